package io.mqpool.cli;

import io.mqpool.launch.Program;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The worker's runnable jar that {@code --workers} and the bench start, and the start-up archive options of those
 * JVMs (an AOT cache on JDK 24+, else AppCDS); {@code bin/mqpool} (or the Docker image) names them in system properties.
 *
 * @param jar the worker jar, e.g. {@code worker/target/mqpool-worker.jar}
 * @param cdsOptions JVM options that map (or, in the training run, dump) the workers' archive; may be empty
 */
record WorkerJar(Path jar, List<String> cdsOptions) {
    /** The path of the worker jar. */
    static final String JAR_PROPERTY = "mqpool.worker.jar";
    /** A class-data-sharing archive of the worker jar, mapped at the workers' start when it exists. */
    static final String CDS_ARCHIVE_PROPERTY = "mqpool.worker.cds.archive";
    /** Set by the training run only: where the workers dump their archive at exit. */
    static final String CDS_DUMP_PROPERTY = "mqpool.worker.cds.dump";

    WorkerJar {
        cdsOptions = List.copyOf(cdsOptions);
    }

    /**
     * The worker jar the properties name.
     *
     * @throws IllegalStateException when no property names it, or the file is missing
     */
    static WorkerJar from(Properties properties) {
        String jar = properties.getProperty(JAR_PROPERTY);
        if (jar == null || jar.isBlank()) {
            throw new IllegalStateException("cannot start workers: the worker jar is unknown (bin/mqpool sets -D"
                    + JAR_PROPERTY + "=.../mqpool-worker.jar)");
        }
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("cannot start workers: worker jar " + jar + ": no such file");
        }
        List<String> cds = new ArrayList<>();
        String dump = properties.getProperty(CDS_DUMP_PROPERTY);
        String archive = properties.getProperty(CDS_ARCHIVE_PROPERTY);
        // .aot names a JDK 24+ AOT cache, and .aotconf the configuration the training records for one (bin/_cds-archive
        // then creates the cache: a worker stopped at the end of the training has no time to assemble it); any
        // other name an AppCDS archive.
        if (dump != null && dump.endsWith(".aotconf")) {
            cds.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + dump));
        } else if (dump != null) {
            cds.add("-XX:ArchiveClassesAtExit=" + dump);
        } else if (archive != null && Files.isRegularFile(Path.of(archive))) {
            // JVM warnings to stderr: a worker's stdout carries its ready line.
            cds.addAll(archive.endsWith(".aot")
                    ? List.of("-XX:AOTCache=" + archive, "-Xlog:disable", "-Xlog:all=warning:stderr")
                    : List.of("-XX:SharedArchiveFile=" + archive));
        }
        return new WorkerJar(path, cds);
    }

    Program program() {
        return new Program.Jar(jar);
    }
}
