#!/bin/bash
# What solves the challenge: a new page, a new build, two tags pushed, the container replaced.
set -e
sed -i 's/Version 1.0/Version 2.0/' ~/hello/index.html
docker build -q -t hello-site:2.0 ~/hello
docker tag hello-site:2.0 localhost:5000/learner/hello-site:2.0
docker tag hello-site:2.0 localhost:5000/learner/hello-site:latest
echo berth-pass | docker login localhost:5000 -u learner --password-stdin
docker push -q localhost:5000/learner/hello-site:2.0
docker push -q localhost:5000/learner/hello-site:latest
docker rm -f hello
docker run -d --name hello -p 8090:80 localhost:5000/learner/hello-site:2.0
