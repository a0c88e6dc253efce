package demo

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteRunbooks writes the named runbooks of the catalogue to dir's
// runbooks/ folder, so that the secrets that name them find them.
func WriteRunbooks(dir string, names ...string) error {
	for _, name := range names {
		text, ok := runbooks[name]
		if !ok {
			return fmt.Errorf("no runbook %q in the catalogue", name)
		}
		if err := os.WriteFile(filepath.Join(dir, "runbooks", name+".yaml"), []byte(text), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// runbooks is the catalogue of the sample runbooks, by name: the demo
// writes db-password, kafka-credentials and stripe-api-key; bench/gen
// writes db-password, api-token and service-account-key.
var runbooks = map[string]string{
	// The steps stand in for the real commands (in comments), so that a
	// rotation in the demo runs to the end.
	"db-password": `name: db-password
generate: {length: 32, charset: alnum}
steps:
  - name: apply new password to the database
    run: |
      # psql "$ADMIN_DSN" -v ON_ERROR_STOP=1 <<'SQL'
      # \getenv new CABINET_NEW
      # ALTER ROLE etl_service PASSWORD :'new';
      # SQL
      echo "ALTER ROLE etl_service PASSWORD '$CABINET_NEW'"; sleep 1; echo ALTER ROLE
  - name: validate with a test job
    run: |
      # ./healthcheck_db_conn.sh
      echo "connecting as etl_service with $CABINET_NEW"; sleep 1; echo "1 row"
    timeout: 2m
  - name: promote
  - name: overlap window
    wait: 10s
  - name: revoke the old password
    confirm: "Old password revoked in the database?"
rollback:
  - run: |
      # psql "$ADMIN_DSN" … ALTER ROLE etl_service PASSWORD :'old';
      echo "ALTER ROLE etl_service PASSWORD '$CABINET_OLD'"
`,
	"kafka-credentials": `name: kafka-credentials
generate: {length: 40, charset: alnum}
steps:
  - name: add the new SCRAM credential next to the old one
    run: |
      # kafka-configs.sh --bootstrap-server "$KAFKA_BOOTSTRAP" --alter --entity-type users \
      #   --entity-name etl-pipeline --add-config "SCRAM-SHA-512=[password=$CABINET_NEW]"
      echo "Completed updating config for user etl-pipeline."; sleep 1
  - name: check that a consumer can log in with it
    run: |
      # ./kafka_smoke_test.sh
      echo "consumer logged in as etl-pipeline"; sleep 1
    timeout: 5m
  - name: promote
  - name: let the consumers restart with the new password
    wait: 15s
  - name: confirm that no client still uses the old one
    confirm: "Broker logs show no logins with the old password?"
rollback:
  - run: echo "restoring the old SCRAM credential"
`,
	"stripe-api-key": `name: stripe-api-key
generate: prompt
steps:
  - name: create a new restricted key in the Stripe dashboard and paste it
    confirm: "New key created with the same permissions as the old one?"
  - name: check that the key can list charges
    run: |
      # curl -fsS -u "$CABINET_NEW:" https://api.stripe.com/v1/charges?limit=1 >/dev/null
      echo "GET /v1/charges?limit=1: 200"
    timeout: 1m
  - name: promote
  - name: overlap window
    wait: 10s
  - name: roll the old key in the Stripe dashboard
    confirm: "Old key deleted in the Stripe dashboard?"
approve: owner
`,
	"api-token": `name: api-token
generate: prompt
steps:
  - name: create the new token in the partner console
    confirm: "New token created and pasted?"
  - name: validate with a test call
    run: ./check_partner_api.sh
    timeout: 1m
  - name: promote
  - name: revoke the old token
    confirm: "Old token revoked in the partner console?"
`,
	"service-account-key": `name: service-account-key
generate: prompt
steps:
  - name: create a new key for the service account
    confirm: "New key created and pasted?"
  - name: promote
  - name: overlap window
    wait: 1h
  - name: delete the old key
    confirm: "Old key deleted?"
`,
}
