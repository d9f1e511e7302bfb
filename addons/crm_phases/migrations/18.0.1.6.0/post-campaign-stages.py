"""Trade fairs leave Odoo's generic campaign stages for the stages of a fair.

Past fairs are done, fairs under way are running, the others are planned (the
follow-up stage is the salespeople's call). Only fairs in a stage that does not
belong to trade fairs move.
"""


def migrate(cr, version):
    cr.execute(
        """
        WITH fair_stage AS (
            SELECT
                MAX(res_id) FILTER (WHERE name = 'utm_stage_fair_planned') AS planned,
                MAX(res_id) FILTER (WHERE name = 'utm_stage_fair_running') AS running,
                MAX(res_id) FILTER (WHERE name = 'utm_stage_fair_done') AS done
            FROM ir_model_data
            WHERE module = 'crm_phases' AND model = 'utm.stage'
        )
        UPDATE utm_campaign campaign
           SET stage_id = CASE
                   WHEN COALESCE(campaign.date_end, campaign.date_start) < CURRENT_DATE
                       THEN fair_stage.done
                   WHEN campaign.date_start <= CURRENT_DATE THEN fair_stage.running
                   ELSE fair_stage.planned
               END
          FROM fair_stage, utm_stage stage
         WHERE stage.id = campaign.stage_id
           AND campaign.campaign_type = 'trade_fair'
           AND stage.campaign_type IS DISTINCT FROM 'trade_fair'
           AND fair_stage.planned IS NOT NULL
           AND fair_stage.running IS NOT NULL
           AND fair_stage.done IS NOT NULL
        """
    )
