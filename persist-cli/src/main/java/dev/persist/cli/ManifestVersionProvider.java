package dev.persist.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, and the Java that runs it. */
final class ManifestVersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = ManifestVersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {
            "persist " + (version == null ? "(development build)" : version),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")",
        };
    }
}
