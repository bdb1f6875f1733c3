"""An example hrlint plugin: one rule, `example/no-todo`."""

from lint.engine.registry import Rule
from lint.model.findings import Severity


class NoTodo(Rule):
    id = "example/no-todo"
    summary = "Placeholder words such as TODO must not be left in the text."
    explanation = """
        A placeholder left in an article is an unfinished sentence a reader will see.

        Example: `Dosage: TODO` -> write the dosage, or remove the line.
    """
    default_severity = Severity.WARNING
    options_schema = {
        "word": {"type": "string", "default": "TODO", "description": "The placeholder word to report."},
    }

    def check(self, doc, ctx):
        word = self.options["word"]
        if not word:
            return
        start = doc.text.find(word)
        while start != -1:
            yield self.report(doc, start, start + len(word), f"`{word}` left in the text")
            start = doc.text.find(word, start + len(word))
