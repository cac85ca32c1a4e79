"""The effikg ontology, SHACL shapes and named SPARQL queries, installed as package data."""
