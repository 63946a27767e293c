package io.bagsflow.cli;

import io.bagsflow.activities.S3Objects;
import io.bagsflow.model.spec.DatasetSpec;
import io.bagsflow.model.spec.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dataset paths that exist only on the machine that starts a run. Once this home's {@code up --bind} has written
 * {@code connection.json}, workers on other machines may take any stage, PREPARE included, and they share no
 * filesystem with this one: a local path in the spec would be read on whichever disk PREPARE lands. So such a path is
 * refused when the run is started, naming the spec file, the field and the path, and the user names an {@code s3://}
 * URI instead, which PREPARE already reads from every worker (it downloads annotation files and image folders given
 * so). It is refused rather than uploaded by {@code pipeline start}: an LVIS image folder is tens of gigabytes that
 * one command would hash and copy on every start, and a dataset's stage key follows how it is named (file hashes for
 * paths, S3 ETags for URIs), so a silent upload would also change which earlier runs a run reuses.
 */
final class LocalDatasetPaths {

    /** Written by {@code up --bind} in BAGSFLOW_HOME; its presence means workers may be on other machines. */
    static final String CONNECTION_FILE = "connection.json";

    private LocalDatasetPaths() {}

    /**
     * Throws a {@link UserError} naming {@code source} and the first dataset field of {@code spec} that is a local
     * path while {@code home} holds a connection file; does nothing otherwise (a synthetic dataset, every field an
     * {@code s3://} URI, or no {@code up --bind} in this home).
     */
    static void refuseWithRemoteWorkers(PipelineSpec spec, String source, Path home) {
        Path connection = home.resolve(CONNECTION_FILE);
        DatasetSpec d = spec.dataset();
        if (d == null || d.isSynthetic() || !Files.exists(connection)) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("train", d.train());
        fields.put("val", d.val());
        fields.put("test", d.test());
        fields.put("images", d.images());
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String value = f.getValue();
            if (value == null || S3Objects.S3Uri.is(value)) {
                continue;
            }
            throw new UserError(
                    source + ": dataset." + f.getKey() + " is a path on this machine (" + value
                            + "), but workers on other machines (up --bind wrote " + connection
                            + ") share no filesystem with it",
                    "copy it to S3 and name it there, e.g. \"" + f.getKey() + "\": \"s3://BUCKET/"
                            + (f.getKey().equals("images") ? "images/" : f.getKey() + ".json")
                            + "\" (PREPARE reads s3:// URIs on any worker; docs/operations.md, Workers on other"
                            + " machines)");
        }
    }
}
