package io.bagsflow.ml.synth;

import io.bagsflow.ml.dataset.CategoryCount;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.mask.Segmentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Makes every random decision of a synthetic dataset, in one fixed sequence from one seeded generator, so the
 * same preset and seed always give the same plan.
 */
final class SyntheticPlanner {

    /** Chance that a common or frequent class gets a second instance in an image that holds it. */
    static final double EXTRA_INSTANCE = 0.15;
    /** Chance that a val image holds an unlabelled extra instance of a present class (not exhaustive). */
    static final double NOT_EXHAUSTIVE = 0.1;
    /** Per-instance hue jitter (uniform, +-), against a hue step of 0.03 between look-alikes. */
    static final double HUE_JITTER = 0.008;

    private final SyntheticPreset preset;
    private final SplittableRandom rng;
    private final List<SyntheticClass> classes;
    private int dropped;
    private int droppedVal;

    private SyntheticPlanner(SyntheticPreset preset, long seed, SiblingPlacement siblings) {
        this.preset = preset;
        this.rng = new SplittableRandom(seed);
        this.classes = FamilyDesign.classes(preset, siblings, rng);
    }

    private SyntheticPlanner(SyntheticPreset preset, SplittableRandom rng, List<SyntheticClass> classes) {
        this.preset = preset;
        this.rng = rng;
        this.classes = classes;
    }

    static SyntheticPlan plan(SyntheticPreset preset, long seed) {
        return plan(preset, seed, SiblingPlacement.ACROSS_GROUPS);
    }

    /**
     * The whole plan: train and val from the seed's generator exactly as before test sets existed (so their bytes
     * did not change), then the test set from a stream of its own ({@link #testStream}), drawn the way val is.
     */
    static SyntheticPlan plan(SyntheticPreset preset, long seed, SiblingPlacement siblings) {
        if (preset.lvisLikeVal()) {
            return withLvisLikeVal(preset, seed, siblings);
        }
        SyntheticPlanner p = new SyntheticPlanner(preset, seed, siblings);
        int c = p.classes.size();
        int[] trainCounts = CountPlan.imageCounts(p.classes, preset, p.rng);
        double[] extra = new double[c];
        for (int i = 0; i < c; i++) {
            extra[i] = p.classes.get(i).role() == Frequency.RARE ? 0 : EXTRA_INSTANCE;
        }
        List<List<ImageAssigner.Placement>> trainAssigned =
                ImageAssigner.assign(preset.trainImages, preset.maxObjectsTrain, trainCounts, extra, p.rng);
        int[] valCounts = new int[c];
        Arrays.fill(valCounts, preset.valInstancesPerClass);
        List<List<ImageAssigner.Placement>> valAssigned =
                ImageAssigner.assign(preset.valImages, preset.maxObjectsVal, valCounts, new double[c], p.rng);

        List<PlannedImage> train = new ArrayList<>();
        for (List<ImageAssigner.Placement> placements : trainAssigned) {
            if (!placements.isEmpty()) {
                int id = train.size() + 1;
                train.add(
                        p.image(id, String.format(Locale.ROOT, "train_%06d.png", id), placements, trainCounts, false));
            }
        }
        List<PlannedImage> val = new ArrayList<>();
        for (List<ImageAssigner.Placement> placements : valAssigned) {
            if (!placements.isEmpty()) {
                int id = train.size() + val.size() + 1;
                val.add(p.image(id, String.format(Locale.ROOT, "val_%06d.png", id), placements, trainCounts, true));
            }
        }

        List<LvisCategory> bare =
                p.classes.stream().map(SyntheticPlanner::category).toList();
        LvisDataset trainSet = p.dataset(train, bare, 1);
        List<LvisCategory> counted = withTrainCounts(trainSet);
        trainSet = new LvisDataset(trainSet.images(), trainSet.annotations(), counted);
        LvisDataset valSet = p.dataset(val, counted, trainSet.annotations().size() + 1);

        SyntheticPlanner t = new SyntheticPlanner(preset, testStream(seed), p.classes);
        List<List<ImageAssigner.Placement>> testAssigned =
                ImageAssigner.assign(preset.valImages, preset.maxObjectsVal, valCounts, new double[c], t.rng);
        List<PlannedImage> test = t.images(testAssigned, train.size() + val.size() + 1, "test", trainCounts);
        LvisDataset testSet = t.dataset(
                test,
                counted,
                trainSet.annotations().size() + valSet.annotations().size() + 1);
        return new SyntheticPlan(
                preset,
                seed,
                p.classes,
                train,
                val,
                test,
                p.dropped + t.dropped,
                p.droppedVal,
                t.dropped,
                trainSet,
                valSet,
                testSet);
    }

    /**
     * The generator of the test set: the seed's second split. The first split draws small-lvis's val set, and the
     * seed's own sequence train and val, so the test set shares no draws with either and adding it changed neither.
     */
    static SplittableRandom testStream(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        root.split();
        return root.split();
    }

    /** Val-like images (negatives and not-exhaustive labels drawn), numbered from {@code firstId}. */
    private List<PlannedImage> images(
            List<List<ImageAssigner.Placement>> assigned, int firstId, String prefix, int[] trainCounts) {
        List<PlannedImage> out = new ArrayList<>();
        for (List<ImageAssigner.Placement> placements : assigned) {
            if (!placements.isEmpty()) {
                int id = firstId + out.size();
                out.add(image(
                        id, String.format(Locale.ROOT, "%s_%06d.png", prefix, id), placements, trainCounts, true));
            }
        }
        return out;
    }

    /**
     * The plan of {@code preset.trainFrom} with the same seed, its val set replaced by one drawn like LVIS val from
     * a generator of its own (so the training set, its images and its bytes stay exactly those of the base preset):
     * each class is in {@code max(1, round(n_img(c) * valImages / trainImages))} val images, {@code n_img(c)} its
     * training images, with the training set's chance of a second instance; negatives are drawn by
     * {@link #randomNegatives}. Every class keeps at least one val image so that every class has an AP.
     */
    private static SyntheticPlan withLvisLikeVal(SyntheticPreset preset, long seed, SiblingPlacement siblings) {
        SyntheticPlan base = plan(preset.trainFrom, seed, siblings);
        SyntheticPlanner p = new SyntheticPlanner(preset, new SplittableRandom(seed).split(), base.classes());
        int c = p.classes.size();
        int[] trainCounts = new int[c];
        for (PlannedImage img : base.trainImages()) {
            img.objects().stream()
                    .mapToInt(PlannedObject::categoryId)
                    .distinct()
                    .forEach(id -> trainCounts[id - 1]++);
        }
        int[] valCounts = new int[c];
        double[] extra = new double[c];
        for (int i = 0; i < c; i++) {
            long scaled = Math.round((double) trainCounts[i] * preset.valImages / preset.trainImages);
            valCounts[i] = (int) Math.max(1, scaled);
            extra[i] = p.classes.get(i).role() == Frequency.RARE ? 0 : EXTRA_INSTANCE;
        }
        List<List<ImageAssigner.Placement>> valAssigned =
                ImageAssigner.assign(preset.valImages, preset.maxObjectsVal, valCounts, extra, p.rng);
        List<PlannedImage> val = p.images(valAssigned, base.trainImages().size() + 1, "val", trainCounts);
        LvisDataset valSet = p.dataset(
                val, base.train().categories(), base.train().annotations().size() + 1);

        SyntheticPlanner t = new SyntheticPlanner(preset, testStream(seed), base.classes());
        List<List<ImageAssigner.Placement>> testAssigned =
                ImageAssigner.assign(preset.valImages, preset.maxObjectsVal, valCounts, extra, t.rng);
        List<PlannedImage> test =
                t.images(testAssigned, base.trainImages().size() + val.size() + 1, "test", trainCounts);
        LvisDataset testSet = t.dataset(
                test,
                base.train().categories(),
                base.train().annotations().size() + valSet.annotations().size() + 1);
        int trainDropped = base.droppedObjects() - base.droppedValObjects() - base.droppedTestObjects();
        return new SyntheticPlan(
                preset,
                seed,
                base.classes(),
                base.trainImages(),
                val,
                test,
                trainDropped + p.dropped + t.dropped,
                p.droppedVal,
                t.dropped,
                base.train(),
                valSet,
                testSet);
    }

    private PlannedImage image(
            int id, String fileName, List<ImageAssigner.Placement> placements, int[] trainCounts, boolean isVal) {
        float background = (float) uniform(0.3, 0.6);
        long noiseSeed = rng.nextLong();
        // Rarest classes first, so that if a box ever fails to fit it is a frequent one that goes missing.
        List<ImageAssigner.Placement> ordered = new ArrayList<>(placements);
        ordered.sort(Comparator.comparingInt((ImageAssigner.Placement pl) -> trainCounts[pl.classIndex()])
                .thenComparingInt(ImageAssigner.Placement::classIndex));
        BoxPlacer placer = new BoxPlacer(preset, rng);
        List<PlannedObject> objects = new ArrayList<>();
        for (ImageAssigner.Placement pl : ordered) {
            for (int b = 0; b < pl.boxes(); b++) {
                PlannedObject o = object(pl.classIndex(), placer, true);
                if (o == null) {
                    dropped++;
                    droppedVal += isVal ? 1 : 0;
                } else {
                    objects.add(o);
                }
            }
        }
        if (!isVal) {
            return new PlannedImage(id, fileName, background, noiseSeed, objects, new int[0], new int[0]);
        }
        int[] notExhaustive = new int[0];
        if (!objects.isEmpty() && rng.nextDouble() < NOT_EXHAUSTIVE) {
            int classIndex = objects.get(rng.nextInt(objects.size())).categoryId() - 1;
            PlannedObject hidden = object(classIndex, placer, false);
            if (hidden != null) {
                objects.add(hidden);
                notExhaustive = new int[] {hidden.categoryId()};
            }
        }
        int[] negatives = preset.lvisLikeVal() ? randomNegatives(objects) : negatives(objects);
        return new PlannedImage(id, fileName, background, noiseSeed, objects, negatives, notExhaustive);
    }

    private PlannedObject object(int classIndex, BoxPlacer placer, boolean annotated) {
        int[] box = placer.place();
        if (box == null) {
            return null;
        }
        SyntheticClass cls = classes.get(classIndex);
        float hue = (float) FamilyDesign.frac(cls.hue() + uniform(-HUE_JITTER, HUE_JITTER));
        float value = (float) (0.95 * uniform(0.85, 1.0));
        return new PlannedObject(cls.id(), box[0], box[1], box[2], box[3], hue, value, annotated);
    }

    /**
     * Categories surely absent from a val image: every look-alike sibling of a present class (so a confusion
     * counts as a false positive) and a random sample of absent classes from other families.
     */
    private int[] negatives(List<PlannedObject> objects) {
        boolean[] present = new boolean[classes.size() + 1];
        boolean[] family = new boolean[preset.families];
        for (PlannedObject o : objects) {
            present[o.categoryId()] = true;
            family[classes.get(o.categoryId() - 1).family()] = true;
        }
        List<Integer> neg = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (SyntheticClass cls : classes) {
            if (present[cls.id()]) {
                continue;
            }
            (family[cls.family()] ? neg : others).add(cls.id());
        }
        int[] order = Shuffle.permutation(others.size(), rng);
        for (int i = 0; i < Math.min(preset.negOthers, others.size()); i++) {
            neg.add(others.get(order[i]));
        }
        return neg.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * Categories surely absent from a val image, the way LVIS chose them: {@code preset.lvisNegatives} categories
     * drawn uniformly from all categories with no instance in the image (labelled or not), whatever their family.
     * A look-alike of a present class is a negative only when the draw picks it.
     */
    private int[] randomNegatives(List<PlannedObject> objects) {
        boolean[] present = new boolean[classes.size() + 1];
        for (PlannedObject o : objects) {
            present[o.categoryId()] = true;
        }
        List<Integer> absent = new ArrayList<>();
        for (SyntheticClass cls : classes) {
            if (!present[cls.id()]) {
                absent.add(cls.id());
            }
        }
        int[] order = Shuffle.permutation(absent.size(), rng);
        int[] neg = new int[Math.min(preset.lvisNegatives, absent.size())];
        for (int i = 0; i < neg.length; i++) {
            neg[i] = absent.get(order[i]);
        }
        Arrays.sort(neg);
        return neg;
    }

    private double uniform(double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static LvisCategory category(SyntheticClass c) {
        String def = String.format(
                Locale.ROOT,
                "synthetic look-alike family %d (%s, %s), member %d of %d, hue %.3f",
                c.family(),
                c.shape().label(),
                c.texture().label(),
                c.member(),
                SyntheticPreset.MEMBERS,
                c.hue());
        return new LvisCategory(c.id(), c.name(), List.of(c.name()), def, null, null, -1, -1);
    }

    private LvisDataset dataset(List<PlannedImage> images, List<LvisCategory> categories, long firstAnnotationId) {
        int size = preset.imageSize;
        List<LvisImage> records = new ArrayList<>();
        List<LvisAnnotation> annotations = new ArrayList<>();
        long annId = firstAnnotationId;
        for (PlannedImage img : images) {
            records.add(new LvisImage(
                    img.id(), size, size, img.fileName(), null, img.negCategoryIds(), img.notExhaustiveCategoryIds()));
            for (PlannedObject o : img.objects()) {
                if (o.annotated()) {
                    // LVIS areas are mask areas: the drawn shape's, not the box's.
                    Shape shape = classes.get(o.categoryId() - 1).shape();
                    double area = shape.areaFraction * o.w() * o.h();
                    // the drawn shape's own outline is the mask: exact, since we drew it
                    annotations.add(new LvisAnnotation(
                            annId++,
                            img.id(),
                            o.categoryId(),
                            o.x(),
                            o.y(),
                            o.w(),
                            o.h(),
                            Math.round(area * 100) / 100.0,
                            new Segmentation.Polygons(List.of(shape.polygon(o.x(), o.y(), o.w(), o.h())))));
                }
            }
        }
        return new LvisDataset(records, annotations, categories);
    }

    private static List<LvisCategory> withTrainCounts(LvisDataset train) {
        CategoryStatistics stats = CategoryStatistics.compute(train, "train.json");
        List<LvisCategory> out = new ArrayList<>();
        for (int i = 0; i < train.categories().size(); i++) {
            CategoryCount count = stats.categories().get(i);
            out.add(train.categories().get(i).withCounts(count.frequency(), count.imageCount(), count.instanceCount()));
        }
        return out;
    }
}
