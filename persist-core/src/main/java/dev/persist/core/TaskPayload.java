package dev.persist.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a Java job's directory holds besides its description: the serialized task, and for a
 * task from JShell the classes that exist only in the JShell session.
 *
 * @param task the serialized task
 * @param jshellClasses class files by binary name; empty unless the task comes from JShell
 */
record TaskPayload(byte[] task, Map<String, byte[]> jshellClasses) {

    TaskPayload {
        jshellClasses = Map.copyOf(jshellClasses);
    }

    /** Writes {@link JobDir#TASK} and, if there are JShell classes, {@link JobDir#JSHELL_CLASSES}. */
    void writeTo(Path jobDirectory) throws IOException {
        Files.write(jobDirectory.resolve(JobDir.TASK), task);
        if (!jshellClasses.isEmpty()) {
            try (OutputStream out = Files.newOutputStream(jobDirectory.resolve(JobDir.JSHELL_CLASSES))) {
                DeterministicJar.writeClasses(jshellClasses, out);
            }
        }
    }
}
