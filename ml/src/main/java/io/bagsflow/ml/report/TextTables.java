package io.bagsflow.ml.report;

import java.util.List;
import java.util.function.BiPredicate;

/** The two renderings every report table has: aligned text for the terminal and a markdown table. */
final class TextTables {

    private TextTables() {}

    /**
     * Aligned columns two spaces apart, a dashed rule under the header row, trailing blanks trimmed.
     *
     * @param leftAligned whether the cell at (row, column) is padded on the right (text) rather than the left
     *                    (numbers); row 0 is the header
     */
    static String text(List<String[]> rows, BiPredicate<Integer, Integer> leftAligned) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                sb.append(leftAligned.test(r, i) ? row[i] + pad : pad + row[i]);
                sb.append(i == row.length - 1 ? "" : "  ");
            }
            sb.append('\n');
            if (r == 0) {
                for (int i = 0; i < width.length; i++) {
                    sb.append("-".repeat(width[i])).append(i == width.length - 1 ? "" : "  ");
                }
                sb.append('\n');
            }
        }
        return sb.toString().replaceAll(" +\n", "\n");
    }

    /** A markdown table: the first row is the header. */
    static String markdown(List<String[]> rows) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            sb.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
            if (r == 0) {
                sb.append("|").append(" --- |".repeat(rows.get(0).length)).append('\n');
            }
        }
        return sb.toString();
    }
}
