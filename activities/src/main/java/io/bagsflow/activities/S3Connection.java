package io.bagsflow.activities;

import io.minio.MinioClient;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MinIO client of an artifact store and the address it talks to. A worker outlives restarts of {@code up}, whose
 * S3 server may come back on another port: when a call finds the server unreachable, the store asks its locator
 * (the state file or the connection file, read again) where the server is now and, if that changed, talks to the new
 * address from the next retry on. Shared by every copy of a store ({@link ArtifactStore#withOutages}), so one move is
 * followed by all of them.
 */
final class S3Connection implements Outages.Listener {

    private static final Logger log = LoggerFactory.getLogger(S3Connection.class);
    /** The locator is asked at most this often: a retry loop pauses 1 s or more, several loops may run at once. */
    private static final long LOOK_EVERY_NANOS = 1_000_000_000L;

    private volatile MinioClient client;
    private volatile ArtifactStore.Location location;
    private volatile Supplier<Optional<ArtifactStore.Location>> locator;
    private long lastLook;

    S3Connection(MinioClient client, ArtifactStore.Location location) {
        this.client = client;
        this.location = location;
    }

    MinioClient client() {
        return client;
    }

    void follow(Supplier<Optional<ArtifactStore.Location>> locator) {
        this.locator = locator;
    }

    @Override
    public void unreachable(Outages.Dependency dependency, RuntimeException failure) {
        if (dependency == Outages.Dependency.S3) {
            relocate();
        }
    }

    /** Looks the server up again; true if it moved and the client now talks to the new address. */
    synchronized boolean relocate() {
        Supplier<Optional<ArtifactStore.Location>> where = locator;
        if (where == null || location == null) {
            return false;
        }
        long now = System.nanoTime();
        if (lastLook != 0 && now - lastLook < LOOK_EVERY_NANOS) {
            return false;
        }
        lastLook = now;
        Optional<ArtifactStore.Location> found;
        try {
            found = where.get();
        } catch (RuntimeException e) {
            // a state file being rewritten by a starting up, say: the next failure looks again
            log.debug("cannot look up the S3 server again: {}", e.getMessage());
            return false;
        }
        if (found.isEmpty() || Objects.equals(found.get(), location)) {
            return false;
        }
        ArtifactStore.Location moved = found.get();
        log.info(
                "the S3 server moved from {} to {}; talking to the new address", location.endpoint(), moved.endpoint());
        client = ArtifactStore.client(moved);
        location = moved;
        return true;
    }
}
