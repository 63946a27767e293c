package io.bagsflow.worker.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.S3Endpoint;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code find $BAGSFLOW_HOME -perm /o=rwx} finds nothing once the embedded services run and have stored objects. */
class PrivateHomeTest {

    @Test
    void nothingUnderTheHomeIsOpenToOtherUsers(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        // a home made by an older version under a loose umask
        Files.createDirectories(home.resolve("cache"));
        Files.writeString(home.resolve("cache").resolve("old.bin"), "x");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home.resolve("cache"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(
                home.resolve("cache").resolve("old.bin"), PosixFilePermissions.fromString("rw-r--r--"));

        try (EmbeddedServices services =
                EmbeddedServices.start(new EnvironmentConfig(Map.of(EnvironmentConfig.HOME, home.toString())))) {
            S3Endpoint s3 = services.endpoints().s3();
            MinioClient client = MinioClient.builder()
                    .endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), s3.secretKey())
                    .region("us-east-1")
                    .build();
            if (!client.bucketExists(
                    BucketExistsArgs.builder().bucket(s3.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(s3.bucket()).build());
            }
            client.putObject(PutObjectArgs.builder().bucket(s3.bucket()).object("sha256/ab/small").stream(
                            new ByteArrayInputStream(new byte[100]), 100, -1)
                    .build());
            byte[] big = new byte[6 << 20];
            client.putObject(PutObjectArgs.builder().bucket(s3.bucket()).object("sha256/cd/multipart").stream(
                            new ByteArrayInputStream(big), -1, 5L << 20)
                    .build());

            assertEquals(List.of(), openToOthers(home));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
            assertTrue(Files.exists(home.resolve("s3/data").resolve(s3.bucket()).resolve("sha256/cd/multipart")));

            // jclouds reads "others may read" as public-read: with private files an anonymous read is refused
            HttpResponse<Void> anonymous = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(s3.endpoint() + "/" + s3.bucket() + "/sha256/ab/small"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            assertEquals(403, anonymous.statusCode());
        }
    }

    /** Java's {@code find DIR -perm /o=rwx} (and group too): every path whose mode lets anyone else in. */
    static List<String> openToOthers(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> !Files.isSymbolicLink(p))
                    .filter(p -> {
                        try {
                            return PrivateFiles.isOpenToOthers(p);
                        } catch (java.io.IOException e) {
                            return false; // removed while walking
                        }
                    })
                    .map(p -> p + " " + permissions(p))
                    .toList();
        }
    }

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
