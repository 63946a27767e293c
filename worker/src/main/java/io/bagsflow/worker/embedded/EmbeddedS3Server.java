package io.bagsflow.worker.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.S3Endpoint;
import io.bagsflow.worker.config.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * An S3-compatible server in this JVM: s3proxy over the jclouds filesystem backend, so objects are plain files
 * under {@code BAGSFLOW_HOME/s3/data}. Bound to 127.0.0.1 and protected by credentials generated once and kept
 * in {@code BAGSFLOW_HOME/s3/credentials.json} (owner-only). Every file and folder it writes is private to the owner
 * ({@link PrivateBlobStore}).
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMappers.strict();

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final S3Endpoint endpoint;
    private S3Endpoint remoteEndpoint;

    private EmbeddedS3Server(S3Proxy proxy, BlobStoreContext context, S3Endpoint endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
    }

    public static EmbeddedS3Server start(Path dataDirectory, Path credentialsFile, String bucket) {
        return start(dataDirectory, credentialsFile, bucket, null);
    }

    /**
     * As {@link #start(Path, Path, String)}, also serving HTTPS on {@code remote}'s address (null: loopback only),
     * with the server certificate of the home's authority: the only way in from another machine.
     */
    public static EmbeddedS3Server start(Path dataDirectory, Path credentialsFile, String bucket, RemoteAccess remote) {
        try {
            PrivateFiles.createDirectories(dataDirectory);
            PrivateFiles.tightenTree(dataDirectory);
            String[] keys = credentials(credentialsFile);
            Properties props = new Properties();
            props.setProperty("jclouds.filesystem.basedir", dataDirectory.toString());
            BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                    .credentials(keys[0], keys[1])
                    .overrides(props)
                    .build(BlobStoreContext.class);
            Path portFile = dataDirectory.toAbsolutePath().resolveSibling("port");
            int port = RememberedPort.choose(portFile);
            URI uri = URI.create("http://127.0.0.1:" + port);
            S3Proxy.Builder builder = S3Proxy.builder();
            Path securePortFile = dataDirectory.toAbsolutePath().resolveSibling("secure-port");
            URI secure = null;
            if (remote != null) {
                int securePort = RememberedPort.choose(securePortFile);
                secure = URI.create("https://" + remote.hostInUrl() + ":" + securePort);
                Path keyStore = dataDirectory.toAbsolutePath().resolveSibling("server.p12");
                String password = remote.authority().serverKeyStore(keyStore);
                builder.secureEndpoint(secure).keyStore(keyStore.toString(), password);
            }
            S3Proxy proxy = builder.blobStore(new PrivateBlobStore(context.getBlobStore(), dataDirectory))
                    .endpoint(uri)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, keys[0], keys[1])
                    // a handful of workers talk to it; Jetty's default pool of 200 threads is wasted memory
                    .jettyMaxThreads(24)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("s3proxy did not start within 30 s (state " + proxy.getState() + ")");
                }
                Thread.sleep(20);
            }
            RememberedPort.remember(portFile, port);
            EmbeddedS3Server server =
                    new EmbeddedS3Server(proxy, context, new S3Endpoint(uri.toString(), keys[0], keys[1], bucket));
            if (secure != null) {
                RememberedPort.remember(securePortFile, secure.getPort());
                server.remoteEndpoint = new S3Endpoint(secure.toString(), keys[0], keys[1], bucket);
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded S3 server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded S3 server", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded S3 server: " + e.getMessage(), e);
        }
    }

    /** How a worker on another machine reaches it (HTTPS), if it listens beyond loopback. */
    public java.util.Optional<S3Endpoint> remoteEndpoint() {
        return java.util.Optional.ofNullable(remoteEndpoint);
    }

    public S3Endpoint endpoint() {
        return endpoint;
    }

    /** Reads the generated access and secret key, generating and storing them (owner-only) on first use. */
    static String[] credentials(Path file) throws IOException {
        if (Files.exists(file)) {
            var node = SecretFiles.readJson(file);
            return new String[] {
                node.path("access_key").asText(), node.path("secret_key").asText()
            };
        }
        SecureRandom random = new SecureRandom();
        byte[] access = new byte[10];
        byte[] secret = new byte[30];
        random.nextBytes(access);
        random.nextBytes(secret);
        String[] keys = {"bf" + HexFormat.of().formatHex(access), HexFormat.of().formatHex(secret)};
        ObjectNode node = JSON.createObjectNode();
        node.put("access_key", keys[0]);
        node.put("secret_key", keys[1]);
        SecretFiles.writeJson(file, node);
        return keys;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the embedded S3 server", e);
        } finally {
            context.close();
        }
    }
}
