# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The combined PDF of a serial-letter run in bounded memory.

Each chunk of letters becomes one *part*: an attachment of the run holding the
chunk's letters (with their blank back pages for duplex printing). Parts are
created in the chunk's transaction, so a chunk that fails or is retried by
queue_job leaves no part behind and never adds its letters twice.

After the last chunk the parts are merged into one PDF *streaming*: one part at
a time is parsed (pypdf), its objects renumbered and written to a temporary
file; only the page-tree node of each part (one reference per chunk) stays in
memory, the cross-reference table goes to a second temporary file. The file is
then moved into the filestore as the run's attachment. The peak memory is that
of one chunk (``_letter_chunk_size`` letters), whatever the number of letters:
5 000 letters need no more than 100.

pypdf's readers and writers are reference cycles: they are only freed by a full
garbage collection, which a long-running Odoo process seldom does by itself. Each
part (when built, and when merged) is followed by one, else their garbage would
pile up from chunk to chunk (benchmark ``letters_5000``).

pypdf (not the PyPDF2 Odoo uses) is needed in this path only.
"""

import gc
import hashlib
import io
import os
import shutil
import tempfile

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

try:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NullObject,
    )
except ImportError:  # pragma: no cover - factur-x (requirements.txt) brings it
    PdfReader = PdfWriter = None

# object numbers of the combined PDF's catalog and page-tree root (written last)
CATALOG_ID, PAGES_ID = 1, 2


def _require_pypdf():
    if PdfWriter is None:
        raise UserError(
            _(
                "The Python package pypdf (version 5 or later) is needed to combine "
                "serial letters: pip install pypdf"
            )
        )


def letters_part(pdfs, duplex=False):
    """Bytes of one PDF with the letters ``pdfs`` (bytes each) in order, each
    followed by a blank page when ``duplex`` and its number of pages is odd."""
    _require_pypdf()
    writer = PdfWriter()
    for pdf in pdfs:
        reader = PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            writer.add_page(page)
        if duplex and len(reader.pages) % 2:
            box = reader.pages[-1].mediabox
            writer.add_blank_page(box.width, box.height)
    # the letters of one wkhtmltopdf call carry the same fonts: keep them once
    writer.compress_identical_objects()
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def _collect(root):
    """The objects reachable from ``root`` (an indirect reference), as
    ``{(idnum, generation): object}`` in the order they are found."""
    found = {}
    todo = [root]
    while todo:
        reference = todo.pop()
        key = (reference.idnum, reference.generation)
        if key in found:
            continue
        obj = reference.get_object()
        if obj is None:
            obj = NullObject()
        found[key] = obj
        stack = [obj]
        while stack:
            value = stack.pop()
            if isinstance(value, IndirectObject):
                todo.append(value)
            elif isinstance(value, DictionaryObject):
                stack.extend(dict.values(value))
            elif isinstance(value, ArrayObject):
                stack.extend(list.__iter__(value))
    return found


def _renumber(value, numbers):
    """``value`` with its references renumbered by ``numbers`` (in place)."""
    if isinstance(value, IndirectObject):
        return IndirectObject(numbers[(value.idnum, value.generation)], 0, None)
    if isinstance(value, DictionaryObject):
        for key, item in list(dict.items(value)):
            dict.__setitem__(value, key, _renumber(item, numbers))
    elif isinstance(value, ArrayObject):
        for index, item in enumerate(list.__iter__(value)):
            list.__setitem__(value, index, _renumber(item, numbers))
    return value


class PdfStreamMerger:
    """Writes one PDF from PDF parts, one part in memory at a time: the parts'
    page trees become the kids of the combined page tree."""

    def __init__(self, output, xref):
        """Write to the binary file ``output``; ``xref`` is a binary scratch file
        for the cross-reference table."""
        _require_pypdf()
        self.output = output
        self.xref = xref
        self.next_id = PAGES_ID + 1
        self.kids = []
        self.page_count = 0
        output.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def append(self, part):
        """Append the pages of ``part`` (a binary file or a path)."""
        reader = PdfReader(part)
        pages = reader.trailer["/Root"].raw_get("/Pages")
        found = _collect(pages)
        numbers = {}
        for key in found:
            numbers[key] = self.next_id
            self.next_id += 1
        tree = found[(pages.idnum, pages.generation)]
        self.page_count += int(tree["/Count"])
        for key, obj in found.items():
            obj = _renumber(obj, numbers)
            if obj is tree:
                obj[NameObject("/Parent")] = IndirectObject(PAGES_ID, 0, None)
            self.xref.write(b"%010d 00000 n \n" % self.output.tell())
            self.output.write(b"%d 0 obj\n" % numbers[key])
            obj.write_to_stream(self.output)
            self.output.write(b"\nendobj\n")
        self.kids.append(numbers[(pages.idnum, pages.generation)])

    def close(self):
        """Write the page tree, the catalog, the cross-reference table and the
        trailer."""
        output = self.output
        offsets = {}
        offsets[PAGES_ID] = output.tell()
        kids = b" ".join(b"%d 0 R" % kid for kid in self.kids)
        output.write(
            b"%d 0 obj\n<< /Type /Pages /Kids [ %s ] /Count %d >>\nendobj\n"
            % (PAGES_ID, kids, self.page_count)
        )
        offsets[CATALOG_ID] = output.tell()
        output.write(
            b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n"
            % (CATALOG_ID, PAGES_ID)
        )
        start = output.tell()
        output.write(b"xref\n0 3\n0000000000 65535 f \n")
        for obj_id in (CATALOG_ID, PAGES_ID):
            output.write(b"%010d 00000 n \n" % offsets[obj_id])
        output.write(b"3 %d\n" % (self.next_id - 3))
        self.xref.seek(0)
        shutil.copyfileobj(self.xref, output)
        output.write(
            b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (self.next_id, CATALOG_ID, start)
        )


class MailmergeLetterRun(models.Model):
    _inherit = "mailmerge.letter.run"  # pylint: disable=consider-merging-classes-inherited

    part_attachment_ids = fields.Many2many(
        "ir.attachment",
        "mailmerge_letter_run_part_rel",
        string="Parts (PDF)",
        readonly=True,
        help="The letters of each chunk, merged into the combined PDF at the end.",
    )

    def _add_letters_part(self, pdfs):
        """Store the chunk's letters ``pdfs`` (bytes, in order) as one part."""
        self.ensure_one()
        number = len(self.part_attachment_ids) + 1
        part = self.env["ir.attachment"].create(
            {
                "name": f"{self.template_id.name} ({number}).pdf",
                "raw": letters_part(pdfs, duplex=self.duplex),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.part_attachment_ids = [fields.Command.link(part.id)]
        gc.collect()  # the part's pypdf objects (see the module's docstring)

    def _merge_letters_parts(self):
        """The run's parts merged into one PDF attachment (see the module's
        docstring: one part in memory at a time), or nothing without parts."""
        self.ensure_one()
        parts = self.part_attachment_ids.sorted("id")
        if not parts:
            return self.env["ir.attachment"]
        Attachment = self.env["ir.attachment"]
        # next to the filestore: the finished file is moved there, not copied
        os.makedirs(Attachment._filestore(), exist_ok=True)
        with (
            tempfile.NamedTemporaryFile(
                dir=Attachment._filestore(), delete=False
            ) as output,
            tempfile.TemporaryFile() as xref,
        ):
            try:
                merger = PdfStreamMerger(output, xref)
                for part in parts:
                    if part.store_fname:
                        with open(Attachment._full_path(part.store_fname), "rb") as f:
                            merger.append(f)
                    else:
                        merger.append(io.BytesIO(part.raw))
                    gc.collect()  # the part's pypdf objects
                merger.close()
            except Exception:
                output.close()
                os.unlink(output.name)
                raise
        return self._attachment_from_file(output.name, f"{self.template_id.name}.pdf")

    def _attachment_from_file(self, path, name):
        """An attachment of the run holding the file at ``path`` (moved into the
        filestore, never read into memory as a whole)."""
        Attachment = self.env["ir.attachment"]
        sha, size = hashlib.sha1(), 0
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                sha.update(block)
                size += len(block)
        checksum = sha.hexdigest()
        attachment = Attachment.create(
            {
                "name": name,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        if Attachment._storage() == "db":
            with open(path, "rb") as file:
                attachment.raw = file.read()
            os.unlink(path)
            return attachment
        fname = f"{checksum[:2]}/{checksum}"
        full_path = Attachment._full_path(fname)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        if os.path.exists(full_path):
            os.unlink(path)
        else:
            os.replace(path, full_path)
            # the transaction may still roll back: the garbage collector removes
            # the file then
            Attachment._mark_for_gc(fname)
        attachment.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE ir_attachment SET store_fname = %s, file_size = %s, "
                "checksum = %s, db_datas = NULL WHERE id = %s",
                fname,
                size,
                checksum,
                attachment.id,
            )
        )
        attachment.invalidate_recordset()
        return attachment
