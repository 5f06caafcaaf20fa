package org.conch.server.cli;

import picocli.CommandLine;

/** The version from the jar's manifest; a build run from classes has none. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = ConchCommand.class.getPackage().getImplementationVersion();
        return new String[]{"conch " + (version == null ? "(development build)" : version),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
