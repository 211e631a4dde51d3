import type { Locale } from '@/i18n/config';

/** A string written in every language the site supports. */
export type Localized = Record<Locale, string>;

export type LessonStatus = 'coming-soon' | 'available';

export interface LessonSummary {
  /** Position in the course, 1-based. */
  number: number;
  /** Stable id: the lesson's URL (/lessons/why-containers) and the lessonId of its sandbox. */
  slug: string;
  title: Localized;
  summary: Localized;
  status: LessonStatus;
}

/**
 * The course outline shown on the home page (see docs/curriculum.md).
 * Placeholder data: the course work replaces this with the real lesson manifests.
 */
export const lessons: readonly LessonSummary[] = [
  {
    number: 1,
    slug: 'why-containers',
    title: { en: 'Why containers', ko: '컨테이너가 왜 필요할까' },
    summary: {
      en: 'The “works on my machine” problem, the shipping-container idea, and how containers differ from virtual machines.',
      ko: '“제 컴퓨터에서는 되는데요” 문제와 컨테이너라는 발상, 그리고 가상 머신과 무엇이 다른지 알아봅니다.',
    },
    status: 'available',
  },
  {
    number: 2,
    slug: 'isolation',
    title: { en: 'How isolation works', ko: '격리는 어떻게 이루어질까' },
    summary: {
      en: 'Namespaces, cgroups and chroot: see PID 1, a hostname of its own, and a memory limit at work.',
      ko: '네임스페이스, cgroup, chroot를 살펴보고 PID 1, 컨테이너만의 호스트 이름, 메모리 제한이 실제로 동작하는 모습을 확인합니다.',
    },
    status: 'available',
  },
  {
    number: 3,
    slug: 'first-steps',
    title: { en: 'First steps', ko: '도커 첫걸음' },
    summary: {
      en: 'run, ps, logs, exec, stop and rm: the everyday commands, and where Docker keeps its data.',
      ko: 'run, ps, logs, exec, stop, rm 같은 기본 명령을 익히고 도커가 데이터를 어디에 보관하는지 알아봅니다.',
    },
    status: 'available',
  },
  {
    number: 4,
    slug: 'images-and-layers',
    title: { en: 'Images and layers', ko: '이미지와 레이어' },
    summary: {
      en: 'Layers, copy-on-write and the build cache, and why the order of instructions matters.',
      ko: '레이어와 copy-on-write, 빌드 캐시를 이해하고 명령 순서가 왜 중요한지 살펴봅니다.',
    },
    status: 'available',
  },
  {
    number: 5,
    slug: 'first-dockerfile',
    title: { en: 'Your first Dockerfile', ko: '첫 Dockerfile 작성하기' },
    summary: {
      en: 'Package a static site on nginx and a small Node.js app, then open them in the preview.',
      ko: 'nginx로 정적 사이트를, 이어서 작은 Node.js 앱을 이미지로 만들고 미리보기 화면에서 열어 봅니다.',
    },
    status: 'available',
  },
  {
    number: 6,
    slug: 'multi-stage-builds',
    title: { en: 'Multi-stage builds', ko: '멀티 스테이지 빌드' },
    summary: {
      en: 'Build a front end with Node, serve it with nginx, and compare the image sizes.',
      ko: 'Node로 프런트엔드를 빌드하고 nginx로 서비스한 뒤, 이미지 크기를 비교해 봅니다.',
    },
    status: 'available',
  },
  {
    number: 7,
    slug: 'data',
    title: { en: 'Data: bind mounts and volumes', ko: '데이터: 바인드 마운트와 볼륨' },
    summary: {
      en: 'Bind mounts, named volumes, and a PostgreSQL database whose data outlives its container.',
      ko: '바인드 마운트와 볼륨을 다뤄 보고, 컨테이너를 지워도 데이터가 남는 PostgreSQL을 실행합니다.',
    },
    status: 'available',
  },
  {
    number: 8,
    slug: 'networking',
    title: { en: 'Networking', ko: '네트워크' },
    summary: {
      en: 'Bridges, published ports, and user-defined networks where containers find each other by name.',
      ko: '브리지와 포트 공개, 그리고 컨테이너끼리 이름으로 서로를 찾는 사용자 정의 네트워크를 다룹니다.',
    },
    status: 'available',
  },
  {
    number: 9,
    slug: 'compose',
    title: { en: 'Docker Compose', ko: 'Docker Compose로 한 번에 띄우기' },
    summary: {
      en: 'Describe a WordPress and database stack in one file, bring it up, scale it and tear it down.',
      ko: 'WordPress와 데이터베이스 구성을 파일 하나에 정의하고, 실행하고, 늘려 보고, 깔끔하게 정리합니다.',
    },
    status: 'available',
  },
  {
    number: 10,
    slug: 'sharing-images',
    title: { en: 'Sharing images', ko: '이미지 공유하기' },
    summary: {
      en: 'Tag, push and pull images with the course’s own registry.',
      ko: '이미지에 태그를 붙여 실습용 레지스트리에 올리고, 다시 받아 실행해 봅니다.',
    },
    status: 'available',
  },
  {
    number: 11,
    slug: 'under-the-hood',
    title: { en: 'Under the hood and security', ko: '내부 구조와 보안' },
    summary: {
      en: 'From the CLI to containerd, runc and the kernel; capabilities, read-only containers, rootless mode and limits.',
      ko: 'CLI에서 containerd, runc, 커널까지 이어지는 흐름과 권한(capability), 읽기 전용 컨테이너, 루트리스 모드, 자원 제한을 살펴봅니다.',
    },
    status: 'available',
  },
  {
    number: 12,
    slug: 'troubleshooting-lab',
    title: { en: 'Troubleshooting lab', ko: '문제 해결 실습' },
    summary: {
      en: 'Repair broken setups: a busy port, a wrong bind address, permissions, a container that exits at once, an oversized image.',
      ko: '이미 사용 중인 포트, 잘못된 바인드 주소, 권한 오류, 바로 종료되는 컨테이너, 너무 큰 이미지까지 고장 난 환경을 직접 고쳐 봅니다.',
    },
    status: 'available',
  },
];

/** The lesson with this slug, if it exists and can be opened. */
export function findLesson(slug: string): LessonSummary | undefined {
  return lessons.find((lesson) => lesson.slug === slug && lesson.status === 'available');
}
