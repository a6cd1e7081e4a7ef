from django.core.management.base import BaseCommand

from tenancy.roles import capability_table_markdown


class Command(BaseCommand):
    help = "Print the role → capability table (Markdown) for README.md."

    def handle(self, *args, **options):
        self.stdout.write(capability_table_markdown())
