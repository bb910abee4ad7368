package io.mqpool.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** What a launched JVM runs: a runnable jar, or a main class on a class path. */
public sealed interface Program permits Program.Jar, Program.ClassPath {
    /** The {@code java} arguments that name the program, e.g. {@code -jar worker.jar}. */
    List<String> javaArguments();

    /** {@code java -jar JAR}: the worker's runnable jar, as the command line starts it. */
    record Jar(Path jar) implements Program {
        public Jar {
            Objects.requireNonNull(jar, "jar");
        }

        @Override
        public List<String> javaArguments() {
            return List.of("-jar", jar.toAbsolutePath().toString());
        }
    }

    /** {@code java -cp CLASSPATH MAIN}: a main class on a class path, as tests start workers with test tasks. */
    record ClassPath(String classPath, String mainClass) implements Program {
        public ClassPath {
            if (classPath == null || classPath.isBlank()) {
                throw new IllegalArgumentException("class path must not be empty");
            }
            if (mainClass == null || mainClass.isBlank()) {
                throw new IllegalArgumentException("main class must not be empty");
            }
        }

        /** A main class on this JVM's own class path. */
        public static ClassPath ofThisJvm(String mainClass) {
            return new ClassPath(System.getProperty("java.class.path"), mainClass);
        }

        @Override
        public List<String> javaArguments() {
            return List.of("-cp", classPath, mainClass);
        }
    }
}
