package io.bagsflow.cli.data;

import io.bagsflow.cli.ExitCodes;
import io.bagsflow.ml.bags.BagsFiles;
import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.bags.GroupingOptions;
import io.bagsflow.ml.bags.RepeatFactors;
import io.bagsflow.ml.bags.StatisticsTable;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.dataset.DatasetCheck;
import io.bagsflow.ml.dataset.DatasetProblem;
import io.bagsflow.ml.dataset.DatasetValidator;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.synth.SiblingPlacement;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.ml.synth.SyntheticSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Make, check and group datasets (what PREPARE does, by hand).",
        subcommands = {DatasetCommand.Synth.class, DatasetCommand.Check.class, DatasetCommand.Groups.class})
public final class DatasetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "use dataset synth, check or groups");
    }

    @Command(
            name = "synth",
            mixinStandardHelpOptions = true,
            description = "Write a synthetic long-tailed LVIS-format dataset: DIR/train.json, DIR/val.json, "
                    + "DIR/test.json (held out: drawn like val from its own random stream), DIR/images/*.png. "
                    + "Same preset, seed and placement give identical bytes.")
    static final class Synth implements Callable<Integer> {

        @Option(
                names = "--preset",
                defaultValue = "small",
                description = "tiny, small, small-lvis, medium or wide (default small)")
        String preset;

        @Option(
                names = "--siblings",
                defaultValue = "across_groups",
                description = "where a class's look-alikes fall among the BAGS groups: across_groups (every family "
                        + "mixes rare and frequent members; the default), within_group (a family has one role) or "
                        + "random")
        String siblings;

        @Option(names = "--seed", defaultValue = "7", description = "random seed (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "an empty or new folder")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            SiblingPlacement placement;
            SyntheticPreset chosen;
            try {
                placement = SiblingPlacement.parse(siblings);
                chosen = SyntheticPreset.parse(preset);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            SyntheticSummary s = SyntheticDataset.generate(chosen, seed, placement, out);
            stdout.printf(
                    Locale.ROOT,
                    "wrote %s (preset %s, seed %d%s) in %.1f s: %d train + %d val + %d test images, "
                            + "%d classes (r/c/f %d/%d/%d)%n",
                    out,
                    preset,
                    seed,
                    placement == SiblingPlacement.ACROSS_GROUPS ? "" : ", siblings " + placement.label(),
                    s.totalMillis() / 1000.0,
                    s.trainImages(),
                    s.valImages(),
                    s.testImages(),
                    s.categories(),
                    s.rareClasses(),
                    s.commonClasses(),
                    s.frequentClasses());
            CategoryStatistics stats = CategoryStatistics.compute(
                    LvisDatasetReader.read(s.train()), s.train().toString());
            stdout.print(
                    StatisticsTable.format(stats, BagsGroups.of(stats, BinEdges.DEFAULT, CountSource.ANNOTATIONS)));
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Validate LVIS-format train/val files and their image folder; print the statistics "
                    + "(per BAGS group and r/c/f: classes, instances, images) and every problem found.")
    static final class Check implements Callable<Integer> {

        @Option(
                names = "--train",
                required = true,
                paramLabel = "TRAIN.json",
                description = "LVIS-format training annotations (images, categories, annotations)")
        Path train;

        @Option(
                names = "--val",
                required = true,
                paramLabel = "VAL.json",
                description = "LVIS-format validation annotations (federated: neg_category_ids, "
                        + "not_exhaustive_category_ids)")
        Path val;

        @Option(
                names = "--images",
                required = true,
                paramLabel = "DIR",
                description = "the folder holding the images both files name")
        Path images;

        @Option(names = "--bins", defaultValue = "0,10,100,1000", description = "BAGS bin edges for the table")
        String bins;

        @Option(
                names = "--segmentations",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description = "check every annotation's segmentation (polygons of at least 3 points and an even "
                        + "number of coordinates, RLE sizes equal to the image's, no empty mask); on by default, "
                        + "--no-segmentations skips them (they are most of a real LVIS file's size and memory)")
        boolean segmentations;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            BinEdges edges = bins(spec, bins);
            DatasetCheck check = DatasetValidator.check(train, val, images, segmentations);
            if (check.statistics() != null) {
                out.print(StatisticsTable.format(
                        check.statistics(), BagsGroups.of(check.statistics(), edges, CountSource.ANNOTATIONS)));
            }
            for (DatasetProblem w : check.report().warnings()) {
                out.println("warning: " + w.message());
            }
            for (DatasetProblem e : check.report().errors()) {
                out.println("error: " + e.message());
            }
            out.println(
                    check.ok()
                            ? "ok: no errors, " + check.report().warnings().size() + " warning(s)"
                            : check.report().errors().size() + " error(s), "
                                    + check.report().warnings().size() + " warning(s)");
            return check.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    @Command(
            name = "groups",
            mixinStandardHelpOptions = true,
            description = "Write the BAGS group files of a training set: groups.json, groups.npz, "
                    + "repeat_factors.json, class_weights.json.")
    static final class Groups implements Callable<Integer> {

        @Option(
                names = "--train",
                required = true,
                paramLabel = "TRAIN.json",
                description = "LVIS-format training annotations whose instance counts make the groups")
        Path train;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the four files go")
        Path out;

        @Option(
                names = "--bins",
                defaultValue = "0,10,100,1000",
                description = "bin edges by training instance count (default: ${DEFAULT-VALUE})")
        String bins;

        @Option(
                names = "--counts",
                defaultValue = "annotations",
                description = "annotations (recount from the file's annotations) or file (its instance_count fields)")
        String counts;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            BinEdges edges = bins(spec, bins);
            CountSource source = switch (counts.toLowerCase(Locale.ROOT)) {
                case "annotations" -> CountSource.ANNOTATIONS;
                case "file" -> CountSource.FILE;
                default ->
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--counts must be annotations or file, got " + counts);
            };
            CategoryStatistics stats = CategoryStatistics.compute(LvisDatasetReader.read(train), train.toString());
            BagsFiles files = BagsFiles.write(
                    stats, new GroupingOptions(edges, source, RepeatFactors.DEFAULT_THRESHOLD_IMAGES), out);
            stdout.print(StatisticsTable.format(stats, files.groups()));
            stdout.println("wrote " + files.groupsJson() + ", " + files.groupsNpz() + ", " + files.repeatFactorsJson()
                    + ", " + files.classWeightsJson());
            stdout.println("C+G+2 = " + files.groups().totalLogits() + " logits");
            return ExitCodes.OK;
        }
    }

    /** Parses --bins, a usage error when malformed. */
    static BinEdges bins(CommandLine.Model.CommandSpec spec, String text) {
        try {
            return BinEdges.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bins: " + e.getMessage());
        }
    }
}
