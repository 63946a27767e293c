package io.bagsflow.ml.dataset;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Content hash and pixel size of an image file's bytes. The size comes from the format's header through an
 * ImageIO reader, without decoding the pixels.
 */
final class ImageProbe {

    /** What a file holds; {@code problem} is null when the header could be read. */
    record Result(String sha256, long bytes, int width, int height, String problem) {}

    private ImageProbe() {}

    static Result probe(byte[] content) {
        String sha = sha256(content);
        // A memory-backed stream: ImageIO's default stream for an InputStream may cache to temporary files.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(content))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new Result(sha, content.length, 0, 0, "not an image format ImageIO can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Result(sha, content.length, reader.getWidth(0), reader.getHeight(0), null);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return new Result(sha, content.length, 0, 0, "cannot read the image header: " + e.getMessage());
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
