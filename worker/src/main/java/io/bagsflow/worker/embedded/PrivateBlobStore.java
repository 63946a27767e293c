package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.PrivateFiles;
import java.nio.file.Path;
import java.util.List;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.CreateContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.domain.Location;
import org.jclouds.io.Payload;

/**
 * The jclouds filesystem store with every file and folder it writes made private to the owner. jclouds creates
 * them with the process umask (often 0644 / 0755) and reads "others may read" as the S3 ACL {@code public-read},
 * so a loose file would be both readable by local users and served to anonymous S3 requests.
 */
final class PrivateBlobStore extends ForwardingBlobStore {

    private final Path baseDirectory;

    PrivateBlobStore(BlobStore delegate, Path baseDirectory) {
        super(delegate);
        this.baseDirectory = baseDirectory.toAbsolutePath();
    }

    @Override
    public boolean createContainerInLocation(Location location, String container) {
        return tighten(super.createContainerInLocation(location, container), container);
    }

    @Override
    public boolean createContainerInLocation(Location location, String container, CreateContainerOptions options) {
        return tighten(super.createContainerInLocation(location, container, options), container);
    }

    @Override
    public String putBlob(String container, Blob blob) {
        return tighten(
                super.putBlob(container, blob), container, blob.getMetadata().getName());
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        return tighten(
                super.putBlob(container, blob, options),
                container,
                blob.getMetadata().getName());
    }

    @Override
    public String copyBlob(
            String fromContainer, String fromName, String toContainer, String toName, CopyOptions options) {
        return tighten(super.copyBlob(fromContainer, fromName, toContainer, toName, options), toContainer, toName);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(
            String container, org.jclouds.blobstore.domain.BlobMetadata metadata, PutOptions options) {
        MultipartUpload upload = super.initiateMultipartUpload(container, metadata, options);
        PrivateFiles.tightenTree(baseDirectory.resolve(container));
        return upload;
    }

    @Override
    public MultipartPart uploadMultipartPart(MultipartUpload upload, int partNumber, Payload payload) {
        MultipartPart part = super.uploadMultipartPart(upload, partNumber, payload);
        // parts are stored under names of jclouds' choosing: tighten the container (once per 16 MiB part)
        PrivateFiles.tightenTree(baseDirectory.resolve(upload.containerName()));
        return part;
    }

    @Override
    public String completeMultipartUpload(MultipartUpload upload, List<MultipartPart> parts) {
        return tighten(super.completeMultipartUpload(upload, parts), upload.containerName(), upload.blobName());
    }

    private <T> T tighten(T result, String container, String... key) {
        Path target = baseDirectory.resolve(container);
        for (String part : key) {
            target = target.resolve(part);
        }
        PrivateFiles.tightenPath(baseDirectory.getParent(), target);
        return result;
    }
}
