package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerJarTest {
    @TempDir
    Path dir;

    private Properties properties(String archiveProperty, String archive) throws Exception {
        Path jar = dir.resolve("mqpool-worker.jar");
        if (!Files.exists(jar)) {
            Files.createFile(jar);
        }
        Properties p = new Properties();
        p.setProperty(WorkerJar.JAR_PROPERTY, jar.toString());
        p.setProperty(archiveProperty, archive);
        return p;
    }

    @Test
    void anAotCacheIsMappedWithTheJdk24FlagAndAnAppCdsArchiveWithItsOwn() throws Exception {
        Path aot = Files.createFile(dir.resolve("w.aot"));
        assertThat(WorkerJar.from(properties(WorkerJar.CDS_ARCHIVE_PROPERTY, aot.toString())).cdsOptions())
                .containsExactly("-XX:AOTCache=" + aot, "-Xlog:disable", "-Xlog:all=warning:stderr");
        Path jsa = Files.createFile(dir.resolve("w.jsa"));
        assertThat(WorkerJar.from(properties(WorkerJar.CDS_ARCHIVE_PROPERTY, jsa.toString())).cdsOptions())
                .containsExactly("-XX:SharedArchiveFile=" + jsa);
    }

    @Test
    void theTrainingRunDumpsInTheFormatItsFileNameSays() throws Exception {
        assertThat(WorkerJar.from(properties(WorkerJar.CDS_DUMP_PROPERTY, "/tmp/w.tmp.aotconf")).cdsOptions())
                .containsExactly("-XX:AOTMode=record", "-XX:AOTConfiguration=/tmp/w.tmp.aotconf");
        assertThat(WorkerJar.from(properties(WorkerJar.CDS_DUMP_PROPERTY, "/tmp/w.tmp.jsa")).cdsOptions())
                .containsExactly("-XX:ArchiveClassesAtExit=/tmp/w.tmp.jsa");
    }

    @Test
    void aMissingArchiveIsSkipped() throws Exception {
        assertThat(WorkerJar.from(properties(WorkerJar.CDS_ARCHIVE_PROPERTY, dir.resolve("none.aot").toString()))
                .cdsOptions()).isEmpty();
    }
}
