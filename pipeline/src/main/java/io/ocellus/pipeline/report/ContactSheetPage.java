package io.ocellus.pipeline.report;

import static io.ocellus.pipeline.report.ContactSheet.BOX_BORDER;
import static io.ocellus.pipeline.report.ContactSheet.BOX_COLOUR;
import static io.ocellus.pipeline.report.ContactSheet.CELL_HEIGHT;
import static io.ocellus.pipeline.report.ContactSheet.CELL_WIDTH;
import static io.ocellus.pipeline.report.ContactSheet.COLUMNS;
import static io.ocellus.pipeline.report.ContactSheet.GAP;
import static io.ocellus.pipeline.report.ContactSheet.HEADER;
import static io.ocellus.pipeline.report.ContactSheet.PADDING;
import static io.ocellus.pipeline.report.ContactSheet.PAGE_WIDTH;
import static io.ocellus.pipeline.report.ContactSheet.THUMB_HEIGHT;
import static io.ocellus.pipeline.report.ContactSheet.THUMB_WIDTH;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A {@link ContactSheet} as self-contained HTML: a fixed grid of the sheet's sizes, thumbnails
 * inline as JPEG data URIs, boxes as bordered layers over them.
 */
final class ContactSheetPage {
    private ContactSheetPage() {}

    /** The page of {@code cells} under {@code title}. */
    static String html(String title, List<ContactSheet.Cell> cells) {
        StringBuilder html = new StringBuilder();
        head(html, title);
        for (ContactSheet.Cell cell : cells) {
            cell(html, cell);
        }
        html.append("</main>\n</body></html>\n");
        return html.toString();
    }

    /** The document up to the grid: title, style sheet (the sizes the layout is drawn with). */
    private static void head(StringBuilder html, String title) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<title>")
                .append(escape(title))
                .append("</title>\n<style>\n")
                .append(
                        "body{margin:0;background:#f4f4f4;font:12px/1.3 sans-serif;color:#222;width:")
                .append(PAGE_WIDTH)
                .append("px}\n")
                .append("header{height:")
                .append(HEADER)
                .append("px;box-sizing:border-box;padding:12px ")
                .append(GAP)
                .append("px;overflow:hidden}\n")
                .append("h1{font-size:16px;margin:0 0 4px}\n")
                .append(".grid{display:grid;grid-template-columns:repeat(")
                .append(COLUMNS)
                .append(',')
                .append(CELL_WIDTH)
                .append("px);grid-auto-rows:")
                .append(CELL_HEIGHT)
                .append("px;gap:")
                .append(GAP)
                .append("px;padding:")
                .append(GAP)
                .append("px;margin:0}\n")
                .append(".cell{background:#fff;box-sizing:border-box;padding:")
                .append(PADDING)
                .append("px;overflow:hidden;position:relative}\n")
                .append(".thumb{width:")
                .append(THUMB_WIDTH)
                .append("px;height:")
                .append(THUMB_HEIGHT)
                .append("px;background:#ddd}\n")
                .append(".thumb img{display:block}\n")
                .append(".thumb{position:relative}\n")
                .append(".box{position:absolute;box-sizing:border-box;border:")
                .append(BOX_BORDER)
                .append("px solid #")
                .append(String.format("%06x", BOX_COLOUR))
                .append("}\n")
                .append(".box span{position:absolute;left:0;bottom:100%;background:#")
                .append(String.format("%06x", BOX_COLOUR))
                .append(";color:#fff;font-size:10px;padding:0 2px;white-space:nowrap}\n")
                .append(".failed{background:#fde8e8}\n")
                .append(
                        ".name{font-weight:bold;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;margin-top:4px}\n")
                .append("</style></head><body>\n<header><h1>Ocellus contact sheet</h1><div>")
                .append(escape(title))
                .append("</div></header>\n<main class=\"grid\">\n");
    }

    private static void cell(StringBuilder html, ContactSheet.Cell cell) {
        html.append("<figure class=\"cell")
                .append(cell.failed() ? " failed" : "")
                .append("\" style=\"margin:0\"><div class=\"thumb\">");
        if (cell.thumbnail() != null) {
            html.append("<img alt=\"\" width=\"")
                    .append(cell.thumbnail().getWidth())
                    .append("\" height=\"")
                    .append(cell.thumbnail().getHeight())
                    .append("\" src=\"data:image/jpeg;base64,")
                    .append(Base64.getEncoder().encodeToString(jpeg(cell.thumbnail())))
                    .append("\">");
            for (ContactSheet.Box box : cell.boxes()) {
                int[] at = box.on(cell.thumbnail());
                html.append("<div class=\"box\" style=\"left:")
                        .append(at[0])
                        .append("px;top:")
                        .append(at[1])
                        .append("px;width:")
                        .append(at[2])
                        .append("px;height:")
                        .append(at[3])
                        .append("px\"><span>")
                        .append(
                                escape(
                                        String.format(
                                                Locale.ROOT, "%s %.2f", box.label(), box.score())))
                        .append("</span></div>");
            }
        }
        html.append("</div><figcaption><div class=\"name\" title=\"")
                .append(escape(cell.locator()))
                .append("\">")
                .append(escape(name(cell.locator())))
                .append("</div>");
        for (String line : cell.lines()) {
            html.append("<div>").append(escape(line)).append("</div>");
        }
        html.append("</figcaption></figure>\n");
    }

    private static byte[] jpeg(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String name(String locator) {
        int slash = Math.max(locator.lastIndexOf('/'), locator.lastIndexOf('!'));
        return locator.substring(slash + 1);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
