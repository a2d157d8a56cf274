package dev.persist.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows of text in aligned columns; the last column is not padded. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param header the column titles
     */
    Table(String... header) {
        rows.add(header);
    }

    /**
     * @param cells one value per column
     * @return this table
     */
    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    /** Decorates a cell, such as with colours. */
    @FunctionalInterface
    interface Style {
        /**
         * @param row the row, 0 for the header
         * @param column the column
         * @param padded the cell's text, padded to the column's width
         * @return what to print
         */
        String apply(int row, int column, String padded);
    }

    /**
     * @param out where to print
     * @param style decorates each cell
     */
    void print(PrintWriter out, Style style) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = rows.get(r)[c];
                String padded = c == columns - 1 ? cell : cell + " ".repeat(widths[c] - cell.length() + 2);
                line.append(style.apply(r, c, padded));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
