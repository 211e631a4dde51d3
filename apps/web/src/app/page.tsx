import { Hero } from '@/components/Hero';
import { HowItWorks } from '@/components/HowItWorks';
import { LessonList } from '@/components/LessonList';
import { SiteFooter } from '@/components/SiteFooter';
import { SiteHeader } from '@/components/SiteHeader';

export default function HomePage() {
  return (
    <>
      <SiteHeader />
      <main>
        <Hero />
        <HowItWorks />
        <LessonList />
      </main>
      <SiteFooter />
    </>
  );
}
