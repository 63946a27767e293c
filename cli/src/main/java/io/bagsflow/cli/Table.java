package io.bagsflow.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns: numbers right-aligned, text left-aligned. */
public final class Table {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
    }

    public Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? oneLine(cells[i].toString()) : "";
        }
        rows.add(r);
        return this;
    }

    /**
     * A cell on one line: a multi-line text (an error with its cause below) would break the rows under it, so its
     * lines are joined with " / " and tabs become spaces.
     */
    static String oneLine(String cell) {
        if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0 && cell.indexOf('\t') < 0) {
            return cell;
        }
        return cell.strip().replace('\t', ' ').replaceAll("\\s*(\\R\\s*)+", " / ");
    }

    public void print(PrintWriter out) {
        out.print(render());
        out.flush();
    }

    public String render() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, false);
        String[] rule = new String[header.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(sb, rule, width, false);
        for (String[] r : rows) {
            line(sb, r, width, true);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, boolean alignNumbers) {
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            boolean right = alignNumbers && c.matches("[-+]?[0-9][0-9.,]*%?");
            String pad = " ".repeat(width[i] - c.length());
            sb.append(right ? pad + c : c + (i == cells.length - 1 ? "" : pad));
            if (i < cells.length - 1) {
                sb.append("  ");
            }
        }
        sb.append('\n');
    }
}
