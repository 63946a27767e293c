package io.bagsflow.worker.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Keeps {@code BAGSFLOW_HOME} private to its owner: nothing under it has group or other permissions (new folders
 * 0700, new files 0600; the owner's own bits are left as they are). Java cannot set the process umask, so what libraries write
 * with the default umask (jclouds, logs) is tightened afterwards; the {@code bagsflow} launcher also runs with
 * {@code umask 077}, so that in normal use nothing is ever created readable by others.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {}

    /** Creates {@code dir} and its missing parents 0700; an existing {@code dir} is made 0700 as well. */
    public static Path createDirectories(Path dir) {
        try {
            Path absolute = dir.toAbsolutePath();
            if (!Files.isDirectory(absolute)) {
                Path parent = absolute.getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    createDirectories(parent);
                }
                try {
                    Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // created meanwhile by another thread or process: tightened below
                }
            }
            tightenOne(absolute);
            return absolute;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the private folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes group and other permissions from {@code root} and everything under it (symbolic links not followed). */
    public static void tightenTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    tightenOne(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!attrs.isSymbolicLink()) {
                        tightenOne(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // removed while we walked (a temporary file)
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + root + " private to its owner: " + e.getMessage(), e);
        }
    }

    /** Tightens {@code target} and each folder between {@code base} (exclusive) and it. */
    public static void tightenPath(Path base, Path target) {
        Path relative = base.relativize(target);
        Path p = base;
        try {
            for (Path part : relative) {
                p = p.resolve(part);
                tightenOne(p);
            }
        } catch (NoSuchFileException gone) {
            // removed meanwhile: nothing left to protect
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + p + " private to its owner: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses {@code path} (when it exists) if it is a symbolic link or belongs to another account. On a machine
     * shared with others, a link planted in a home under a shared folder (or a credentials file seeded there by
     * someone else) would otherwise be trusted: its contents read as secrets, or our secrets written through it.
     */
    public static void requireOwnedNoSymlink(Path path) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        } catch (IOException e) {
            throw new ConfigurationException("cannot check " + path + ": " + e.getMessage(), e);
        }
        if (attrs.isSymbolicLink()) {
            throw new ConfigurationException(path + " is a symbolic link; bagsflow keeps its home and secrets only "
                    + "in real files and folders of your own, so that nobody can redirect them. Remove the link "
                    + "(or set BAGSFLOW_HOME to a folder of your own)");
        }
        int owner = ownerUid(path);
        int me = currentUid();
        if (owner != me) {
            throw new ConfigurationException(path + " belongs to another account (uid " + owner + ", you are uid " + me
                    + "); bagsflow trusts nothing in its home that another account could have written. Remove it or "
                    + "set BAGSFLOW_HOME to a folder of your own");
        }
    }

    /** {@link #requireOwnedNoSymlink} for {@code root} and everything under it (links are refused, not followed). */
    public static void requireOwnedTree(Path root) {
        requireOwnedNoSymlink(root);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int me = currentUid();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    check(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    check(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                private void check(Path p) {
                    // links inside the tree are the programs' own (PostgreSQL's libraries); only their owner matters
                    int owner = ownerUid(p);
                    if (owner != me) {
                        throw new ConfigurationException(p + " belongs to another account (uid " + owner
                                + ", you are uid " + me + "); bagsflow trusts nothing in its home that another "
                                + "account could have written. Remove it or set BAGSFLOW_HOME to a folder of your own");
                    }
                }
            });
        } catch (IOException e) {
            throw new ConfigurationException("cannot check " + root + ": " + e.getMessage(), e);
        }
    }

    /** The numeric user id of this process. */
    public static int currentUid() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }

    private static int ownerUid(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return currentUid();
        } catch (IOException e) {
            throw new ConfigurationException("cannot check the owner of " + p + ": " + e.getMessage(), e);
        }
    }

    /** Whether anyone but the owner has any permission on {@code path}. */
    public static boolean isOpenToOthers(Path path) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        return perms.stream().anyMatch(NOT_OWNER::contains);
    }

    private static void tightenOne(Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        if (perms.removeAll(NOT_OWNER)) {
            Files.setPosixFilePermissions(path, perms);
        }
    }
}
