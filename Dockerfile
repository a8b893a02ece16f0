# gongkai in a container, for CI pipelines (see README “在容器中运行”).
#
#   docker build -t gongkai:0.1.0 --build-arg GONGKAI_COMMIT=$(git rev-parse --short=12 HEAD) .
#   docker run --rm -v "$PWD":/site gongkai:0.1.0 gongkai check
#
# Stage 1 compiles with the official Rust image; stage 2 is a small Debian base holding
# only the binary. No ENTRYPOINT, so CI systems (GitLab, Jenkins) can run their shell in it.

FROM rust:1-slim-bookworm AS build
WORKDIR /src
# The sources are copied without .git (see .dockerignore): pass the commit for --version.
ARG GONGKAI_COMMIT=unknown
ENV GONGKAI_COMMIT=${GONGKAI_COMMIT}
COPY . .
RUN cargo install --locked --path . --root /out

FROM debian:bookworm-slim
COPY --from=build /out/bin/gongkai /usr/local/bin/gongkai
# China Standard Time as a POSIX rule (no tzdata needed): "today" — the default --as-of
# for 效力状态 and deadlines — is the officer's day, not UTC's.
ENV TZ=CST-8
WORKDIR /site
CMD ["gongkai", "--help"]
