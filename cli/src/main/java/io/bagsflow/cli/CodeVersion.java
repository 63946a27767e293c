package io.bagsflow.cli;

import picocli.CommandLine;

/** The version printed by {@code --version}. */
final class CodeVersion {

    private CodeVersion() {
    }

    static String get() {
        return io.bagsflow.activities.CodeVersion.get();
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bagsflow " + get()};
        }
    }
}
