package io.bagsflow.cli.services;

import io.bagsflow.activities.StorageGc;
import io.bagsflow.activities.StorageGc.Freed;
import io.bagsflow.activities.StorageGc.Kind;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.model.Formats;
import io.minio.MinioAsyncClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "gc",
        mixinStandardHelpOptions = true,
        description = {
            "Delete stored objects and local files that nothing references: checkpoints beyond the newest "
                    + "N of each attempt, temporary objects, outputs of failed attempts, incomplete multipart uploads, "
                    + "extraction leftovers, work folders of ended runs and cache entries not used recently. Nothing a "
                    + "RUNNING or WAITING_FOR_RETRY run may still need is touched.",
            "--verify hashes every stored object instead, and removes (and records) the corrupt ones."
        })
public final class GcCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dry-run", description = "print what would be deleted, delete nothing")
    boolean dryRun;

    @Option(
            names = "--keep-checkpoints",
            paramLabel = "N",
            defaultValue = "1",
            description = "periodic checkpoints kept per training attempt, newest first (default ${DEFAULT-VALUE})")
    int keepCheckpoints;

    @Option(
            names = "--min-age",
            paramLabel = "AGE",
            defaultValue = "1h",
            description = "leave objects and folders younger than this (uploads in flight); e.g. 30m, 1h, 2d "
                    + "(default ${DEFAULT-VALUE})")
    String minAge;

    @Option(
            names = "--cache-unused",
            paramLabel = "AGE",
            defaultValue = "7d",
            description = "delete worker cache entries not used for this long (default ${DEFAULT-VALUE})")
    String cacheUnused;

    @Option(names = "--verify", description = "hash every stored object; remove and record the corrupt ones")
    boolean verify;

    @Override
    public Integer call() {
        try (CliServices services = CliServices.fromEnvironment()) {
            StorageGc gc = new StorageGc(
                    services.store(),
                    new StorageRepository(services.database()),
                    new RunStateRepository(services.database()),
                    services.env().home().root());
            String verb = dryRun ? "would free" : "freed";
            if (verify) {
                List<Freed> corrupt = gc.verify(dryRun);
                for (Freed f : corrupt) {
                    spec.commandLine().getOut().println("corrupt " + f.name() + (dryRun ? "" : " (removed, recorded)"));
                }
                spec.commandLine()
                        .getOut()
                        .println(corrupt.size() + " corrupt object(s)"
                                + (corrupt.isEmpty() ? "" : "; the next run that needs them makes them again"));
                return corrupt.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
            }
            StorageGc.Options options = new StorageGc.Options(
                    dryRun, keepCheckpoints, age("--min-age", minAge), age("--cache-unused", cacheUnused));
            var s3 = services.endpoints().s3();
            MinioAsyncClient multipart = MinioAsyncClient.builder()
                    .endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), s3.secretKey())
                    .region("us-east-1")
                    .build();
            StorageGc.Report report = gc.collect(options, multipart);
            for (Map.Entry<Kind, List<Freed>> e : report.byKind().entrySet()) {
                long bytes = e.getValue().stream().mapToLong(Freed::bytes).sum();
                spec.commandLine()
                        .getOut()
                        .printf(
                                Locale.ROOT,
                                "%-30s %5d  %s%n",
                                e.getKey().description(),
                                e.getValue().size(),
                                size(bytes));
                if (dryRun) {
                    e.getValue().forEach(f -> spec.commandLine().getOut().println("  " + f.name()));
                }
            }
            report.notes().forEach(n -> spec.commandLine().getOut().println("note: " + n));
            spec.commandLine()
                    .getOut()
                    .println(verb + " " + size(report.bytes()) + " in "
                            + report.freed().size() + " item(s)");
            return ExitCodes.OK;
        }
    }

    private Duration age(String option, String text) {
        try {
            return parseAge(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}, or {@code 0}. */
    static Duration parseAge(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (!t.matches("[0-9]+[smhd]")) {
            throw new IllegalArgumentException("expected a number and s, m, h or d (such as 30m), got '" + text + "'");
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static String size(long bytes) {
        return Formats.bytes(bytes);
    }
}
