// Loads each ontology document with the OWL API (the library Protégé is built on) and
// prints its OWL 2 DL profile violations and any triples the parser could not map to
// OWL. Exit status 1 when any document has either. Compiled and run by test_owlapi.py.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class CheckOwl2Dl {
    public static void main(String[] args) throws Exception {
        int problems = 0;
        for (String path : args) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(
                new FileDocumentSource(new File(path)), config);
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            long unparsed = ontology.getFormat() == null ? 0 : ontology.getFormat()
                .getOntologyLoaderMetaData().map(md -> md.getUnparsedTriples().count()).orElse(0L);
            System.out.println(path + ": format " + ontology.getFormat() + ", "
                + ontology.getAxiomCount() + " axioms, "
                + ontology.getLogicalAxiomCount() + " logical axioms, "
                + ontology.getClassesInSignature().size() + " classes, "
                + ontology.getIndividualsInSignature().size() + " individuals, "
                + report.getViolations().size() + " OWL 2 DL violations, "
                + unparsed + " unparsed triples");
            for (OWLProfileViolation v : report.getViolations()) {
                System.out.println("  violation: " + v);
            }
            if (unparsed > 0) {
                ontology.getFormat().getOntologyLoaderMetaData().get().getUnparsedTriples()
                    .limit(50).forEach(t -> System.out.println("  unparsed: " + t));
            }
            problems += report.getViolations().size() + (int) unparsed;
        }
        System.exit(problems == 0 ? 0 : 1);
    }
}
