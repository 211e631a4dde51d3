#!/bin/bash
# One way to solve it: keep the video out of the build context, build in a node
# stage, serve dist/ from nginx.
set -e
cd "$HOME/brochure"
cat >.dockerignore <<'IGNORE'
raw
node_modules
.git
IGNORE
cat >Dockerfile <<'DOCKERFILE'
FROM node:20 AS build
WORKDIR /app
COPY package.json build.js ./
COPY src ./src
RUN npm run build

FROM nginx:stable
COPY --from=build /app/dist /usr/share/nginx/html
DOCKERFILE
docker build -t brochure .
docker rm -f brochure
docker run -d --name brochure -p 8082:80 brochure
