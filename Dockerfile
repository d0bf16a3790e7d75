# localorgs: build on Debian 12 with the same script as the README, run on the slim image.
FROM debian:bookworm AS build
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY model model
COPY storage storage
COPY server server
COPY tools tools
RUN tools/build

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/localorgs --create-home localorgs
COPY --from=build /src/build/localorgs /usr/local/bin/localorgs
COPY docker/healthcheck.sh /usr/local/bin/localorgs-healthcheck
USER localorgs
ENV LOCALORGS_HOST=0.0.0.0 \
    LOCALORGS_PORT=4566 \
    LOCALORGS_DB=/var/lib/localorgs/localorgs.db
VOLUME /var/lib/localorgs
EXPOSE 4566
HEALTHCHECK --interval=5s --timeout=2s --start-period=2s CMD ["/usr/local/bin/localorgs-healthcheck"]
ENTRYPOINT ["/usr/local/bin/localorgs"]
