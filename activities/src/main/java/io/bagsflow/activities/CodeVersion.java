package io.bagsflow.activities;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** Beside the activities jar: the remembered hash and what the jars were when it was computed. */
    static final String CACHE_FILE = ".bagsflow-code-version";

    private static final String VERSION = compute();

    private CodeVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String compute() {
        try {
            // a class from each module whose code decides what stages produce
            List<Path> sources = new ArrayList<>();
            for (Class<?> anchor : List.of(io.bagsflow.ml.lvis.LvisDataset.class, CodeVersion.class)) {
                sources.add(Path.of(anchor.getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI()));
            }
            return projectVersion() + "+" + cachedHash(sources);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // without a readable code source (an unusual class loader) the version alone has to do
            return projectVersion();
        }
    }

    /**
     * The hash of these code sources, remembered beside the jars: reading and hashing every class took about a tenth
     * of a second, the largest part of a short command such as {@code --version}. The remembered value counts only
     * while every jar has the path, size and modification time it had when it was hashed (a rebuild changes them);
     * folders of classes (a build's target/classes, as tests run) are always hashed anew.
     */
    static String cachedHash(List<Path> sources) throws IOException {
        StringBuilder key = new StringBuilder();
        for (Path source : sources) {
            if (!Files.isRegularFile(source)) {
                return hash(sources);
            }
            key.append(source.toAbsolutePath())
                    .append('|')
                    .append(Files.size(source))
                    .append('|')
                    .append(Files.getLastModifiedTime(source).toMillis())
                    .append('\n');
        }
        Path cache = sources.get(sources.size() - 1).resolveSibling(CACHE_FILE);
        String remembered = Files.isRegularFile(cache) ? Files.readString(cache, StandardCharsets.UTF_8) : "";
        if (remembered.startsWith(key.toString())) {
            String value = remembered.substring(key.length()).strip();
            if (value.matches("[0-9a-f]{12}")) {
                return value;
            }
        }
        String value = hash(sources);
        try {
            // beside, then renamed: another process starting at the same moment reads the old file or the new one
            Path tmp = Files.createTempFile(cache.getParent(), CACHE_FILE, ".tmp");
            Files.writeString(tmp, key + value + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException readOnlyInstall) {
            // a read-only installation hashes on every start: slower, never wrong
        }
        return value;
    }

    /** The first 12 hex digits of SHA-256 over the class files' names and bytes, in name order. */
    static String hash(List<Path> sources) throws IOException {
        MessageDigest digest = Sha256.digest();
        for (Path source : sources) {
            hashCodeSource(source, digest);
        }
        return Sha256.hex(digest).substring(0, 12);
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
