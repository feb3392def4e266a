# Glasswatch services image: `glasswatch serve` runs the streams app, alert delivery, the revoke
# executor and the Elasticsearch sink; `glasswatch produce` and `glasswatch replay` run too.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -DskipTests -DskipITs install \
 && mvn -q -B -pl cli dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 glasswatch && mkdir -p /var/lib/glasswatch && chown glasswatch /var/lib/glasswatch
WORKDIR /opt/glasswatch
COPY --from=build /src/cli/target/glasswatch-cli.jar /opt/glasswatch/
COPY --from=build /src/cli/target/lib /opt/glasswatch/lib
USER glasswatch
ENV GLASSWATCH_STREAMS_STATE_DIR=/var/lib/glasswatch/streams-state
# the live ingest endpoint, when ingest.http.listen is set (e.g. GLASSWATCH_INGEST_HTTP_LISTEN=0.0.0.0:8088)
EXPOSE 8088
ENTRYPOINT ["java", "-cp", "/opt/glasswatch/glasswatch-cli.jar:/opt/glasswatch/lib/*", "io.glasswatch.cli.GlasswatchCli"]
CMD ["serve"]
