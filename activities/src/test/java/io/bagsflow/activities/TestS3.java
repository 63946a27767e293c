package io.bagsflow.activities;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server for the tests of this module: s3proxy over the jclouds filesystem backend (what the embedded
 * default runs), one per test JVM, with random credentials. Objects are plain files under {@link #dataDir()}, so a
 * test can damage one behind the server's back, as a failing disk would.
 */
public final class TestS3 {

    private static TestS3 instance;

    private final String endpoint;
    private final String accessKey;
    private final String secretKey;
    private final Path dataDir;

    private TestS3(String endpoint, String accessKey, String secretKey, Path dataDir) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.dataDir = dataDir;
    }

    public static synchronized TestS3 get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    /** A store on its own bucket (created on first use), so tests never see each other's objects. */
    public ArtifactStore store(String bucket) {
        return ArtifactStore.connect(endpoint, accessKey, secretKey, bucket);
    }

    public String endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The file that holds an object, in the server's filesystem backend. */
    public Path behindTheServer(String bucket, String key) {
        return dataDir.resolve(bucket).resolve(key);
    }

    public Path dataDir() {
        return dataDir;
    }

    private static TestS3 start() {
        try {
            Path data = Files.createTempDirectory("bagsflow-test-s3");
            SecureRandom random = new SecureRandom();
            String access = "test" + HexFormat.of().formatHex(random.generateSeed(8));
            String secret = HexFormat.of().formatHex(random.generateSeed(20));
            Properties props = new Properties();
            props.setProperty("jclouds.filesystem.basedir", data.toString());
            BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                    .credentials(access, secret)
                    .overrides(props)
                    .build(BlobStoreContext.class);
            URI uri = URI.create("http://127.0.0.1:" + freePort());
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(uri)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret)
                    .jettyMaxThreads(24)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            // S3Proxy.start() returns before Jetty accepts; its state is the one signal it offers
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "s3proxy did not start within 30 s (state " + proxy.getState() + ")");
                }
                Thread.sleep(20);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    proxy.stop();
                } catch (Exception ignored) {
                    // the JVM is exiting
                } finally {
                    context.close();
                }
            }));
            return new TestS3(uri.toString(), access, secret, data);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test S3 server: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
