import { describe, expect, it } from 'vitest';
import { imagesInCommand, imagesInFile, normalize } from './images';

describe('image references', () => {
  it('finds the image of docker run past its flags', () => {
    expect(imagesInCommand('docker run -d --name web -p 8080:80 -v "$PWD/site:/usr/share/nginx/html" nginx').uses).toEqual(['nginx']);
    expect(imagesInCommand('docker run --rm -it --read-only debian:bookworm bash').uses).toEqual(['debian:bookworm']);
    expect(imagesInCommand('docker container run -e POSTGRES_PASSWORD=secret postgres:17').uses).toEqual(['postgres:17']);
    expect(imagesInCommand('time docker run --rm debian true').uses).toEqual(['debian']);
    expect(imagesInCommand('docker pull -q busybox').uses).toEqual(['busybox']);
  });

  it('knows what a lesson builds or tags itself', () => {
    expect(imagesInCommand('docker build -t my-site:1.0 .').makes).toEqual(['my-site:1.0']);
    expect(imagesInCommand('docker tag my-site:1.0 localhost:5000/my-site:1.0').makes).toEqual(['localhost:5000/my-site:1.0']);
  });

  it('reads FROM (not build stages) and compose image: lines', () => {
    const dockerfile = { kind: 'file' as const, lang: 'dockerfile', path: 'app/Dockerfile', line: 1, text: 'FROM node:20 AS build\nRUN x\nFROM nginx\nCOPY --from=build /a /b' };
    expect(imagesInFile(dockerfile).uses).toEqual(['node:20', 'nginx']);
    const compose = { kind: 'file' as const, lang: 'yaml', path: 'blog/compose.yaml', line: 1, text: 'services:\n  db:\n    image: mariadb:11\n  wp:\n    image: "wordpress"' };
    expect(imagesInFile(compose).uses).toEqual(['mariadb:11', 'wordpress']);
  });

  it('normalizes names the way docker does', () => {
    expect(normalize('nginx')).toBe('nginx:latest');
    expect(normalize('docker.io/library/nginx:1.26')).toBe('nginx:1.26');
    expect(normalize('localhost:5000/app')).toBe('localhost:5000/app:latest');
  });
});
