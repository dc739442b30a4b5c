# One image per service, built from the repository root:
#   docker build -f docker/service.Dockerfile --build-arg MODULE=provisioning-service \
#       --build-arg MAIN=io.datastores.provisioning.Application .
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl ${MODULE} -am install \
 && ./mvnw -B -q -pl ${MODULE} dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp -r ${MODULE}/target/classes /app/classes

FROM eclipse-temurin:17-jre
ARG MAIN
ENV MAIN=${MAIN} JAVA_OPTS="-Xms64m -Xmx128m -XX:+UseSerialGC" MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
COPY --from=build /app /app
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/classes:/app/lib/*' $MAIN"]
