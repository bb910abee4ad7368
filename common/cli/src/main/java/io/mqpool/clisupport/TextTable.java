package io.mqpool.clisupport;

import java.util.List;

/** Aligned text tables for terminals: each column as wide as its widest cell, numbers right-aligned. */
public final class TextTable {
    private TextTable() {
    }

    /** Appends {@code rows} (the first one the header), each line indented by two spaces. */
    public static void append(StringBuilder out, List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < columns; c++) {
                String cell = rows.get(r).get(c);
                boolean right = r > 0 && cell.matches("-?\\d+");
                String pad = " ".repeat(width[c] - cell.length());
                line.append(right ? pad + cell : cell + pad).append(c + 1 < columns ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
