# The official Odoo 18 image plus this repository's Python requirements (OCA addons).
FROM odoo:18.0
USER root
COPY requirements.txt /opt/crm_phases/requirements.txt
# OCA wheels require the 'odoo' distribution, which the image ships as a Debian package
# pip does not see: install them without dependency resolution.
RUN pip3 install --no-cache-dir --break-system-packages --no-deps \
        -r /opt/crm_phases/requirements.txt
COPY scripts/initdb.py docker/entrypoint.sh /opt/crm_phases/
USER odoo
ENTRYPOINT ["/opt/crm_phases/entrypoint.sh"]
CMD ["odoo"]
