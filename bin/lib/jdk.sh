# Sourced by bin/servent, bin/test and .ci/run: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, the java on PATH, then the newest JDK in the system's JVM directories.

servent_jdk_major() { # JDK home -> major version, or nothing
  local home=$1 v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

servent_find_jdk() {
  local min=21 best="" best_major=0 home major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  # The first two candidates win if new enough; the system directories are searched for the newest.
  for home in "${candidates[@]}"; do
    major=$(servent_jdk_major "$home")
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ -x "$home/bin/javac" ]; then
      echo "$home"; return 0
    fi
  done
  for home in /usr/lib/jvm/* /usr/java/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$home" ] || continue
    home=$(readlink -f "$home")
    major=$(servent_jdk_major "$home")
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ] && [ -x "$home/bin/javac" ]; then
      best=$home; best_major=$major
    fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  echo "servent needs a JDK $min or newer; none was found in JAVA_HOME, on PATH or in /usr/lib/jvm." >&2
  echo "Install one (for example: apt-get install openjdk-21-jdk) or point JAVA_HOME at it." >&2
  return 1
}

servent_use_jdk() {
  JAVA_HOME=$(servent_find_jdk) || return 1
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven's Guava and protobuf-java touch sun.misc.Unsafe; JDK 24+ warns about it on every run.
  SERVENT_JVM_FLAGS=""
  if [ "$(servent_jdk_major "$JAVA_HOME")" -ge 24 ]; then
    SERVENT_JVM_FLAGS="--sun-misc-unsafe-memory-access=allow"
    export MAVEN_OPTS="${MAVEN_OPTS:-} $SERVENT_JVM_FLAGS"
  fi
  export SERVENT_JVM_FLAGS
}
