import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Loads a .properties file the two ways Java offers, load(InputStream), which decodes ISO-8859-1,
 * and load(Reader) over UTF-8, and prints both as one JSON object in pure ASCII, so that the
 * caller compares exact UTF-16 strings without any console encoding in between.
 *
 * Usage: java test/support/ReadProperties.java FILE
 */
public class ReadProperties {
  public static void main(String[] args) throws IOException {
    Properties fromStream = new Properties();
    try (InputStream in = new FileInputStream(args[0])) {
      fromStream.load(in);
    }
    Properties fromReader = new Properties();
    try (Reader in = new InputStreamReader(new FileInputStream(args[0]), StandardCharsets.UTF_8)) {
      fromReader.load(in);
    }
    StringBuilder out = new StringBuilder();
    out.append("{\"stream\":");
    appendObject(out, fromStream);
    out.append(",\"reader\":");
    appendObject(out, fromReader);
    out.append("}\n");
    System.out.print(out);
  }

  private static void appendObject(StringBuilder out, Properties properties) {
    Map<String, String> sorted = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      sorted.put(key, properties.getProperty(key));
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, String> entry : sorted.entrySet()) {
      if (!first) out.append(',');
      first = false;
      appendString(out, entry.getKey());
      out.append(':');
      appendString(out, entry.getValue());
    }
    out.append('}');
  }

  // Every UTF-16 unit outside printable ASCII as \\uXXXX, which JSON.parse joins back into pairs.
  private static void appendString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
