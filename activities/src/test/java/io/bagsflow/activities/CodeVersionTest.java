package io.bagsflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code version's hash: the same for a jar and a folder of the same classes, and remembered only for jars. */
class CodeVersionTest {

    private static final Map<String, String> ML = Map.of("io/ml/A.class", "a-bytes", "io/ml/B.class", "b-bytes");
    private static final Map<String, String> ACTIVITIES = Map.of("io/act/C.class", "c-bytes");

    @Test
    void aJarAndAFolderOfTheSameClassesHaveOneHash(@TempDir Path dir) throws IOException {
        List<Path> jars = List.of(jar(dir.resolve("ml.jar"), ML), jar(dir.resolve("activities.jar"), ACTIVITIES));
        List<Path> folders = List.of(folder(dir.resolve("ml"), ML), folder(dir.resolve("activities"), ACTIVITIES));

        assertEquals(CodeVersion.hash(jars), CodeVersion.hash(folders));
        assertTrue(CodeVersion.hash(jars).matches("[0-9a-f]{12}"));
    }

    @Test
    void jarsAreHashedOnceThenRememberedUntilOneChanges(@TempDir Path dir) throws IOException {
        Path ml = jar(dir.resolve("ml.jar"), ML);
        Path activities = jar(dir.resolve("activities.jar"), ACTIVITIES);
        List<Path> jars = List.of(ml, activities);
        String real = CodeVersion.hash(jars);

        assertEquals(real, CodeVersion.cachedHash(jars));
        Path cache = dir.resolve(CodeVersion.CACHE_FILE);
        assertTrue(Files.isRegularFile(cache), "remembered beside the jars");

        // what is remembered is what counts while the jars are as they were (a planted value shows it is read)
        String planted = Files.readString(cache).replace(real, "aaaaaaaaaaaa");
        Files.writeString(cache, planted);
        assertEquals("aaaaaaaaaaaa", CodeVersion.cachedHash(jars));

        // a rebuilt jar (new bytes, new time) is hashed again
        jar(ml, Map.of("io/ml/A.class", "changed"));
        Files.setLastModifiedTime(
                ml, FileTime.fromMillis(Files.getLastModifiedTime(ml).toMillis() + 5_000));
        String rebuilt = CodeVersion.cachedHash(jars);
        assertNotEquals("aaaaaaaaaaaa", rebuilt);
        assertNotEquals(real, rebuilt);
        assertEquals(CodeVersion.hash(jars), rebuilt);
    }

    @Test
    void foldersOfClassesAreAlwaysHashedAnew(@TempDir Path dir) throws IOException {
        List<Path> folders = List.of(folder(dir.resolve("ml"), ML), folder(dir.resolve("activities"), ACTIVITIES));
        String before = CodeVersion.cachedHash(folders);
        Files.writeString(dir.resolve("ml/io/ml/A.class"), "changed");

        assertNotEquals(before, CodeVersion.cachedHash(folders), "a recompiled class changes the version at once");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(CodeVersion.CACHE_FILE)));
        }
    }

    private static Path jar(Path file, Map<String, String> classes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out)) {
            for (var e : classes.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return file;
    }

    private static Path folder(Path root, Map<String, String> classes) throws IOException {
        for (var e : classes.entrySet()) {
            Path f = root.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
        return root;
    }
}
