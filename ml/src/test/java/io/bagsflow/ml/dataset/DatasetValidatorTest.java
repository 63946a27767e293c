package io.bagsflow.ml.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatasetValidatorTest {

    @TempDir
    Path tmp;

    @Test
    void aValidDatasetGetsAManifest() throws IOException {
        DatasetFixture f = new DatasetFixture().writeTo(tmp);
        Path manifestFile = tmp.resolve("manifest.json");

        DatasetCheck check = DatasetImporter.importTo(f.train, f.val, f.images, manifestFile);

        assertEquals(List.of(), check.report().errors());
        assertEquals(List.of(), check.report().warnings());
        DatasetManifest m = DatasetManifest.read(manifestFile);
        assertEquals(check.manifest(), m);
        assertEquals(new ManifestCounts(3, 2, 3, 1, 2), m.counts());
        assertEquals(
                List.of(1, 2), m.trainImages().stream().map(ManifestImage::id).toList());
        ManifestImage b = m.trainImages().get(1);
        assertEquals("sub/b.png", b.path());
        assertEquals(ImageProbe.sha256(Files.readAllBytes(f.images.resolve("sub/b.png"))), b.sha256());
        assertEquals(Files.size(f.images.resolve("sub/b.png")), b.bytes());
        assertEquals(32, b.width());
        assertEquals(new ManifestCategory(3, "plum", "r", 1, 1), m.categories().get(2));
        assertEquals(ImageProbe.sha256(Files.readAllBytes(f.train)), m.train().sha256());
        assertEquals(101, m.valImages().get(0).id());
    }

    @Test
    void boxesMayStickOutByOnePixel() throws IOException {
        DatasetFixture f = new DatasetFixture();
        f.trainAnnotations.set(1, new LvisAnnotation(11, 1, 2, -1, 5, 42, 20, 300)); // spans -1 .. 41 in a 40 px image
        f.writeTo(tmp);
        assertTrue(DatasetValidator.check(f.train, f.val, f.images).ok());
    }

    @Test
    void imagesMayBeNamedByCocoUrl() throws IOException {
        DatasetFixture f = new DatasetFixture();
        f.valImages.set(
                0,
                new LvisImage(
                        101, 40, 30, null, "http://images.cocodataset.org/val2017/v.png", new int[] {3}, new int[] {2
                        }));
        f.writeTo(tmp);
        DatasetCheck check = DatasetValidator.check(f.train, f.val, f.images);
        assertEquals(List.of(), check.report().errors());
        assertEquals("v.png", check.manifest().valImages().get(0).path());
    }

    @Test
    void countsThatDisagreeWithTheFileAreWarnings() throws IOException {
        DatasetFixture f = new DatasetFixture();
        f.trainCategories.set(0, f.trainCategories.get(0).withCounts(Frequency.FREQUENT, 1, 5));
        f.valAnnotations.add(new LvisAnnotation(22, 101, 3, 30, 20, 5, 5, 25)); // plum, listed as absent
        f.writeTo(tmp);

        DatasetCheck check = DatasetValidator.check(f.train, f.val, f.images);

        assertTrue(check.ok());
        List<String> warnings =
                check.report().warnings().stream().map(DatasetProblem::message).toList();
        assertEquals(
                List.of(
                        f.train
                                + ": categories (id 1, \"apple\"): instance_count is 5 in the file but 1 in the annotations",
                        f.train
                                + ": categories (id 1, \"apple\"): frequency is \"f\" in the file but \"r\" for 1 training images",
                        f.val
                                + ": annotations[2] (id 22): category 3 is annotated in image 101 whose neg_category_ids say it is absent"),
                warnings);
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() throws IOException {
        DatasetFixture f = new DatasetFixture();
        f.trainAnnotations.set(0, new LvisAnnotation(10, 1, 9, 1, 2, 10, 10, 100));
        f.valAnnotations.set(0, new LvisAnnotation(20, 101, 1, 5, 5, 0, 10, 0));
        f.imageFiles.remove("sub/b.png");
        f.writeTo(tmp);

        InvalidDatasetException e = assertThrows(
                InvalidDatasetException.class,
                () -> DatasetImporter.importTo(f.train, f.val, f.images, tmp.resolve("manifest.json")));

        assertEquals(
                List.of(
                        f.train + ": annotations[0] (id 10): category_id 9 names no category in this file",
                        f.val + ": annotations[0] (id 20): bbox [5, 5, 0, 10] has width 0: sizes must be positive",
                        f.train + ": images[1] (id 2): image file \"sub/b.png\" not found in " + f.images),
                e.report().errors().stream().map(DatasetProblem::message).toList());
        assertTrue(e.getMessage().startsWith("dataset rejected with 3 error(s):\n"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("manifest.json")));
    }

    /** One deliberate defect: how to make it, and the file, place and problem the error must name. */
    record Defect(String name, Consumer<DatasetFixture> make, String file, String where, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Defect> defects() {
        return Stream.of(
                new Defect(
                        "invalid JSON",
                        f -> f.trainText = s -> s.substring(0, s.length() - 20),
                        "train.json",
                        "line 1, column",
                        "invalid JSON"),
                new Defect(
                        "missing top-level key",
                        f -> f.trainText = s -> s.replace("\"images\":", "\"pictures\":"),
                        "train.json",
                        "top level",
                        "missing required key \"images\""),
                new Defect(
                        "missing annotation key",
                        f -> f.trainText = s -> s.replace("\"bbox\":[1.0,2.0,10.0,10.0],", ""),
                        "train.json",
                        "annotations[0] (id 10)",
                        "missing required key \"bbox\""),
                new Defect(
                        "wrong type",
                        f -> f.valText = s -> s.replace("\"width\":40", "\"width\":\"40\""),
                        "val.json",
                        "images[0] (id 101)",
                        "\"width\" must be an integer, found a string"),
                new Defect(
                        "bbox of three numbers",
                        f -> f.trainText = s -> s.replace("[1.0,2.0,10.0,10.0]", "[1.0,2.0,10.0]"),
                        "train.json",
                        "annotations[0] (id 10)",
                        "\"bbox\" must have 4 numbers [x, y, w, h], found 3"),
                new Defect(
                        "bbox not finite",
                        f -> f.trainText = s -> s.replace("[1.0,2.0,10.0,10.0]", "[1.0,NaN,10.0,10.0]"),
                        "train.json",
                        "annotations[0] (id 10)",
                        "\"bbox\" must be 4 finite numbers, found NaN at index 1"),
                new Defect(
                        "duplicate image id",
                        f -> f.trainImages.add(DatasetFixture.image(1, 40, 30, "a.png")),
                        "train.json",
                        "images[2] (id 1)",
                        "duplicate image id 1 (first at images[0])"),
                new Defect(
                        "duplicate annotation id",
                        f -> f.trainAnnotations.add(new LvisAnnotation(11, 2, 3, 1, 1, 5, 5, 25)),
                        "train.json",
                        "annotations[3] (id 11)",
                        "duplicate annotation id 11 (first at annotations[1])"),
                new Defect(
                        "duplicate category id",
                        f -> f.trainCategories.add(DatasetFixture.category(2, "pear")),
                        "train.json",
                        "categories[3] (id 2)",
                        "duplicate category id 2 (first at categories[1])"),
                new Defect(
                        "annotation on an unknown image",
                        f -> f.trainAnnotations.set(2, new LvisAnnotation(12, 99, 3, 0, 0, 5, 5, 25)),
                        "train.json",
                        "annotations[2] (id 12)",
                        "image_id 99 names no image in this file"),
                new Defect(
                        "annotation of an unknown category",
                        f -> f.valAnnotations.set(1, new LvisAnnotation(21, 101, 77, 20, 10, 12, 12, 144)),
                        "val.json",
                        "annotations[1] (id 21)",
                        "category_id 77 names no category in this file"),
                new Defect(
                        "bbox of zero width",
                        f -> f.trainAnnotations.set(0, new LvisAnnotation(10, 1, 1, 1, 2, 0, 10, 0)),
                        "train.json",
                        "annotations[0] (id 10)",
                        "bbox [1, 2, 0, 10] has width 0: sizes must be positive"),
                new Defect(
                        "bbox of negative height",
                        f -> f.trainAnnotations.set(0, new LvisAnnotation(10, 1, 1, 1, 2, 10, -5, 0)),
                        "train.json",
                        "annotations[0] (id 10)",
                        "bbox [1, 2, 10, -5] has height -5: sizes must be positive"),
                new Defect(
                        "bbox past the right edge",
                        f -> f.trainAnnotations.set(1, new LvisAnnotation(11, 1, 2, 20, 5, 22, 20, 440)),
                        "train.json",
                        "annotations[1] (id 11)",
                        "bbox [20, 5, 22, 20] lies outside image 1 (40x30) by more than a pixel: right edge x + w = 42 > width 40"),
                new Defect(
                        "bbox above the top edge",
                        f -> f.valAnnotations.set(0, new LvisAnnotation(20, 101, 1, 5, -1.5, 10, 10, 100)),
                        "val.json",
                        "annotations[0] (id 20)",
                        "bbox [5, -1.5, 10, 10] lies outside image 101 (40x30) by more than a pixel: top edge y = -1.5 < 0"),
                new Defect(
                        "unknown neg category",
                        f -> f.valImages.set(
                                0, new LvisImage(101, 40, 30, "v.png", null, new int[] {3, 42}, new int[] {2})),
                        "val.json",
                        "images[0] (id 101)",
                        "neg_category_ids[1] names unknown category 42"),
                new Defect(
                        "unknown not-exhaustive category",
                        f -> f.valImages.set(
                                0, new LvisImage(101, 40, 30, "v.png", null, new int[] {3}, new int[] {43})),
                        "val.json",
                        "images[0] (id 101)",
                        "not_exhaustive_category_ids[0] names unknown category 43"),
                new Defect(
                        "image size not positive",
                        f -> f.trainImages.set(1, DatasetFixture.image(2, 0, 32, "sub/b.png")),
                        "train.json",
                        "images[1] (id 2)",
                        "width and height must be positive, found 0x32"),
                new Defect(
                        "no file name",
                        f -> f.trainImages.set(0, DatasetFixture.image(1, 40, 30, null)),
                        "train.json",
                        "images[0] (id 1)",
                        "no file_name or coco_url, so no image file to check"),
                new Defect(
                        "absolute file name",
                        f -> f.trainImages.set(0, DatasetFixture.image(1, 40, 30, "/tmp/a.png")),
                        "train.json",
                        "images[0] (id 1)",
                        "file_name \"/tmp/a.png\" is absolute; it must be relative to the image folder"),
                new Defect(
                        "file name escaping the folder",
                        f -> f.trainImages.set(1, DatasetFixture.image(2, 32, 32, "sub/../../b.png")),
                        "train.json",
                        "images[1] (id 2)",
                        "file_name \"sub/../../b.png\" escapes the image folder (\"..\")"),
                new Defect(
                        "image file missing",
                        f -> f.imageFiles.remove("v.png"),
                        "val.json",
                        "images[0] (id 101)",
                        "image file \"v.png\" not found in "),
                new Defect(
                        "image file not an image",
                        f -> f.imageFiles.put("a.png", "not a picture".getBytes()),
                        "train.json",
                        "images[0] (id 1)",
                        "image file \"a.png\" is unreadable: not an image format ImageIO can read"),
                new Defect(
                        "image file cut short",
                        f -> f.imageFiles.put("a.png", Arrays.copyOf(DatasetFixture.png(40, 30), 12)),
                        "train.json",
                        "images[0] (id 1)",
                        "image file \"a.png\" is unreadable: cannot read the image header"),
                new Defect(
                        "image size differs from the JSON",
                        f -> f.imageFiles.put("v.png", DatasetFixture.png(30, 40)),
                        "val.json",
                        "images[0] (id 101)",
                        "image file \"v.png\" is 30x40 pixels but the JSON says 40x30 (width x height)"),
                new Defect(
                        "val has a category train lacks",
                        f -> f.valCategories.add(DatasetFixture.category(4, "fig")),
                        "val.json",
                        "categories",
                        "has 1 category ids it lacks [4]"),
                new Defect(
                        "val names a category differently",
                        f -> f.valCategories.set(1, DatasetFixture.category(2, "pera")),
                        "val.json",
                        "categories (id 2)",
                        "name \"pera\" differs from \"pear\" in "),
                new Defect(
                        "image folder missing", f -> f.writeImageDir = false, "images", "", "image folder not found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defects")
    void eachDefectIsNamedWithItsPlaceAndNothingIsWritten(Defect defect) throws IOException {
        DatasetFixture f = new DatasetFixture();
        defect.make().accept(f);
        f.writeTo(tmp);
        Path manifest = tmp.resolve("out/manifest.json");
        Files.createDirectories(manifest.getParent());

        InvalidDatasetException e = assertThrows(
                InvalidDatasetException.class, () -> DatasetImporter.importTo(f.train, f.val, f.images, manifest));

        assertEquals(1, e.report().errors().size(), () -> e.report().format(10));
        DatasetProblem p = e.report().errors().get(0);
        assertTrue(p.file().endsWith(defect.file()), p.message());
        assertTrue(p.where().contains(defect.where()), p.message());
        assertTrue(p.problem().contains(defect.problem()), p.message());
        assertTrue(e.getMessage().contains(p.message()), e.getMessage());
        try (Stream<Path> written = Files.list(manifest.getParent())) {
            assertEquals(List.of(), written.toList(), "nothing is written for a broken dataset");
        }
    }

    @Test
    void aMissingAnnotationFileIsNamed() throws IOException {
        DatasetFixture f = new DatasetFixture().writeTo(tmp);
        Path missing = tmp.resolve("nope.json");
        DatasetCheck check = DatasetValidator.check(f.train, missing, f.images);
        assertEquals(
                List.of(missing + ": file not found"),
                check.report().errors().stream().map(DatasetProblem::message).toList());
        assertEquals(null, check.manifest());
    }
}
