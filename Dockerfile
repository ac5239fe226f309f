# Beacon's image: built with Maven on a JDK 17, run on a JRE 17 as a non-root user.
#   docker build -t beacon:0.1.0 .
# The tests are not run here (mvn -B verify, or .ci/run, runs them).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# The dependencies and plugins first, in a layer of their own: a change to the sources alone
# does not download them again (package may still fetch the few that go-offline misses).
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
# A numeric user, so that runAsNonRoot can check it; the data directory (embedded Kafka, H2,
# the simulator's replay folder) belongs to it.
RUN groupadd --system --gid 10001 beacon \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/beacon --shell /usr/sbin/nologin beacon \
 && mkdir -p /var/lib/beacon \
 && chown 10001:10001 /var/lib/beacon
COPY --from=build /build/target/beacon.jar /opt/beacon/beacon.jar
ENV BEACON_DATA_DIR=/var/lib/beacon
USER 10001:10001
WORKDIR /var/lib/beacon
# HTTP API, Pekko Management (/ready, /alive), Pekko cluster (Artery).
EXPOSE 8080 8558 25520
# java is process 1: SIGTERM reaches it and runs the graceful shutdown.
ENTRYPOINT ["java", "-jar", "/opt/beacon/beacon.jar"]
