package org.hilorojo;

import java.io.File;
import java.util.Iterator;
import java.util.Locale;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Element;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.graph.api.Table;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.EdgeMergeStrategy;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/** Reads a GEXF or GraphML file with Gephi's importer and prints its nodes and edges as JSON. */
public final class GephiCheck {
    private GephiCheck() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        Workspace workspace = projects.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(new File(args[0]));
        if (container == null) {
            System.err.println("Gephi could not import " + args[0]);
            System.exit(2);
        }
        container.getLoader().setAllowAutoNode(false);
        // several calls between the same two people stay several edges
        container.getLoader().setEdgesMergeStrategy(EdgeMergeStrategy.NO_MERGE);
        importer.process(container, new DefaultProcessor(), workspace);
        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        Graph graph = model.getGraph();
        StringBuilder out = new StringBuilder();
        out.append("{\"nodes\": ").append(graph.getNodeCount());
        out.append(", \"edges\": ").append(graph.getEdgeCount());
        out.append(", \"issues\": [");
        Iterator<Issue> issues = container.getReport().getIssues(100);
        while (issues.hasNext()) {
            Issue issue = issues.next();
            out.append(quote(issue.getLevel() + ": " + issue.getMessage())).append(issues.hasNext() ? ", " : "");
        }
        out.append("]");
        out.append(", \"node\": {");
        boolean first = true;
        for (Node node : graph.getNodes()) {
            out.append(first ? "" : ", ").append(quote(String.valueOf(node.getId()))).append(": {");
            out.append("\"label\": ").append(quote(node.getLabel()));
            attributes(out, model.getNodeTable(), node);
            out.append("}");
            first = false;
        }
        out.append("}, \"edge\": {");
        first = true;
        for (Edge edge : graph.getEdges()) {
            out.append(first ? "" : ", ").append(quote(String.valueOf(edge.getId()))).append(": {");
            out.append("\"source\": ").append(quote(String.valueOf(edge.getSource().getId())));
            out.append(", \"target\": ").append(quote(String.valueOf(edge.getTarget().getId())));
            out.append(", \"directed\": ").append(edge.isDirected());
            out.append(", \"interval\": ").append(quote(String.valueOf(edge.getAttribute("timeset"))));
            attributes(out, model.getEdgeTable(), edge);
            out.append("}");
            first = false;
        }
        out.append("}}");
        System.out.println(out);
    }

    /** The element's own attributes (not Gephi's id, label, weight or time set), as JSON members. */
    private static void attributes(StringBuilder out, Table table, Element element) {
        for (Column column : table) {
            if (!column.isProperty()) {
                out.append(", ").append(quote(column.getTitle())).append(": ").append(value(element.getAttribute(column)));
            }
        }
    }

    private static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return quote(value.toString());
    }

    private static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
