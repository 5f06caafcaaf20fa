package org.conch.server.web;

import org.conch.server.config.ServerException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The web client's files: every file under the {@code web-client/} folder of the class path (the
 * web-client module's resources, in a directory while testing and inside conch.jar when installed),
 * read once, by path relative to that folder. A file added to the client is served without a list to
 * keep; a file of a type not in {@link #CONTENT_TYPES} is refused at start, so nothing is served with a
 * guessed type.
 */
final class WebClientFiles {
    static final String FOLDER = "web-client";
    /** The types the client is made of, by file extension. */
    static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    private WebClientFiles() {
    }

    /** Relative path ("app.js", "views/thread.js") to the file's bytes. */
    static Map<String, byte[]> load() {
        URL index = WebClientFiles.class.getClassLoader().getResource(FOLDER + "/index.html");
        if (index == null) throw new ServerException("the web client (" + FOLDER + "/index.html) is not on the class path");
        try {
            URI uri = index.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = openJar(uri)) {
                    return read(jar.provider().getPath(uri).getParent());
                } catch (FileSystemAlreadyExistsException e) {
                    return read(FileSystems.getFileSystem(uri).provider().getPath(uri).getParent());
                }
            }
            return read(Path.of(uri).getParent());
        } catch (IOException | URISyntaxException e) {
            throw new ServerException("cannot read the web client's files: " + e.getMessage(), e);
        }
    }

    private static FileSystem openJar(URI uri) throws IOException {
        return FileSystems.newFileSystem(uri, Map.of());
    }

    private static Map<String, byte[]> read(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (contentType(name) == null) {
                    throw new ServerException("the web client's " + name + " is of a type conch does not serve");
                }
                files.put(name, Files.readAllBytes(file));
            }
        }
        return files;
    }

    /** The Content-Type of a client file, or null for a type the client is not made of. */
    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
