package io.bagsflow.activities;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The version of the code that computes stage outputs: the project version plus a hash of the compiled classes of
 * ml/ and activities/ (names and bytes, not file times). It is part of every stage key, so a changed build never
 * reuses outputs of another one, while a rebuild of the same sources does.
 */
public final class CodeVersion {

    private static final String VERSION = compute();

    private CodeVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String compute() {
        MessageDigest digest = Sha256.digest();
        try {
            // a class from each module whose code decides what stages produce
            for (Class<?> anchor : List.of(io.bagsflow.ml.lvis.LvisDataset.class, CodeVersion.class)) {
                hashCodeSource(
                        Path.of(anchor.getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI()),
                        digest);
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // without a readable code source (an unusual class loader) the version alone has to do
            return projectVersion();
        }
        return projectVersion() + "+" + Sha256.hex(digest).substring(0, 12);
    }

    private static void hashCodeSource(Path location, MessageDigest digest) throws IOException {
        if (Files.isDirectory(location)) {
            List<Path> classes;
            try (Stream<Path> walk = Files.walk(location)) {
                classes = walk.filter(p -> p.toString().endsWith(".class"))
                        .sorted()
                        .toList();
            }
            for (Path c : classes) {
                digest.update(location.relativize(c).toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(c));
            }
            return;
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            List<JarEntry> entries = new ArrayList<>(Collections.list(jar.entries()));
            entries.removeIf(e -> !e.getName().endsWith(".class"));
            entries.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (JarEntry e : entries) {
                digest.update(e.getName().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = jar.getInputStream(e)) {
                    digest.update(in.readAllBytes());
                }
            }
        }
    }

    private static String projectVersion() {
        try (InputStream in = CodeVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
