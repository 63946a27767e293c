package io.bagsflow.ml.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The public golden LVIS data (annotations and the official lvis-api numbers, see its README.md), a test resource of
 * this module under {@code lvis-golden/} on the test classpath, so a fresh clone needs nothing beside it.
 *
 * <p>The evaluator and the {@code eval} command read files, so callers get a folder: the resource folder itself when
 * the classpath holds {@code target/test-classes}, or a copy extracted once per JVM when it holds the module's test
 * jar (how other modules see it in a full {@code mvn verify}).
 */
public final class LvisGolden {

    static final String RESOURCE = "lvis-golden";

    private static Path folder;

    private LvisGolden() {}

    public static synchronized Path folder() {
        if (folder == null) {
            folder = locate();
        }
        return folder;
    }

    /** LVIS v0.5 annotations of 100 val images (1230 categories). */
    public static Path lvisVal100() {
        return folder().resolve("lvis_val_100.json");
    }

    /** The case folders under public/ (a1, a2, ...), each with detections.json and expected.json. */
    public static List<Path> publicCases() {
        try (Stream<Path> s = Files.list(folder().resolve("public"))) {
            return s.filter(p -> Files.isRegularFile(p.resolve("expected.json")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The segm case folders under segm/ (s1, s2, ...), each with detections.json and expected.json. */
    public static List<Path> segmCases() {
        try (Stream<Path> s = Files.list(folder().resolve("segm"))) {
            return s.filter(p -> Files.isRegularFile(p.resolve("expected.json")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locate() {
        URL marker = LvisGolden.class.getClassLoader().getResource(RESOURCE + "/README.md");
        if (marker == null) {
            throw new IllegalStateException("test resource " + RESOURCE + "/README.md is not on the classpath; it "
                    + "lives in ml/src/test/resources/" + RESOURCE);
        }
        try {
            URI uri = marker.toURI();
            if (uri.getScheme().equals("file")) {
                return Path.of(uri).getParent();
            }
            return extract(uri);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the golden LVIS data at " + marker + ": " + e, e);
        }
    }

    /** Copies the resource folder out of the test jar into a temporary folder deleted when the JVM exits. */
    private static Path extract(URI inJar) throws IOException {
        Path target = Files.createTempDirectory("bagsflow-lvis-golden-");
        // deleteOnExit deletes in reverse order of registration: folders are registered before what they hold
        target.toFile().deleteOnExit();
        try (FileSystem jar = FileSystems.newFileSystem(inJar, Map.of());
                Stream<Path> files = Files.walk(jar.getPath(RESOURCE))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path out = target.resolve(jar.getPath(RESOURCE).relativize(p).toString());
                Files.createDirectories(out.getParent());
                out.getParent().toFile().deleteOnExit();
                try (InputStream in = Files.newInputStream(p)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                out.toFile().deleteOnExit();
            }
        }
        return target;
    }
}
