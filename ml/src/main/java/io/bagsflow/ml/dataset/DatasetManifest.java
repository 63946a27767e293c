package io.bagsflow.ml.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.bagsflow.ml.io.AtomicFiles;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.LvisFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What PREPARE found in a valid dataset: the annotation files and every image file with its content hash and
 * size, the categories with their training counts, and totals. Later stages read this instead of the folder.
 *
 * @param imageDir the image folder as given at import; image paths are relative to it
 */
public record DatasetManifest(
        int formatVersion,
        ManifestFile train,
        ManifestFile val,
        String imageDir,
        ManifestCounts counts,
        List<ManifestCategory> categories,
        List<ManifestImage> trainImages,
        List<ManifestImage> valImages) {

    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON =
            JsonMappers.indenting(JsonMappers.lenient()).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    public DatasetManifest {
        categories = List.copyOf(categories);
        trainImages = List.copyOf(trainImages);
        valImages = List.copyOf(valImages);
    }

    /** Writes the manifest as JSON, through a temporary file so that a reader never sees half of it. */
    public void write(Path file) {
        AtomicFiles.write(file, out -> JSON.writeValue(out, this));
    }

    public static DatasetManifest read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            DatasetManifest m = JSON.readValue(in, DatasetManifest.class);
            if (m.formatVersion() != FORMAT_VERSION) {
                throw new LvisFormatException(
                        file.toString(),
                        "format_version",
                        "unsupported manifest version " + m.formatVersion() + ", expected " + FORMAT_VERSION);
            }
            return m;
        } catch (NoSuchFileException e) {
            throw new LvisFormatException(file.toString(), "", "file not found");
        } catch (IOException e) {
            throw new LvisFormatException(file.toString(), "", "not a dataset manifest: " + e.getMessage(), e);
        }
    }
}
