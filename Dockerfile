# ritme in a small image, for CI that runs containers. Build it from a
# checkout of ritme (a release tag):
#
#   docker build -t ritme:0.2.0 .
#
# and run it on a site folder mounted at /site (the output lands in the
# site's public/ and public-NAME/ folders, owned by you):
#
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/site" ritme:0.2.0
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/site" ritme:0.2.0 check --strict /site
#
# Only the binary and git (for the pages' change dates) are in the image.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo install --path . --locked --root /out

FROM debian:bookworm-slim
# git may read the mounted site although another user owns it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory '*'
COPY --from=build /out/bin/ritme /usr/local/bin/ritme
WORKDIR /site
ENTRYPOINT ["ritme"]
CMD ["build", "/site"]
