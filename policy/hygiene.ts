import { ResourceValidationPolicy } from "@pulumi/policy";
import { charts, GRAFANA } from "../charts/table";
import { forReleases, label } from "./release";

/** Where each chart is published now (the chart table); the OCI form is given as chart "oci://<registry path>/<chart>". */
export const chartHomes: Record<string, { repo: string; oci: string }> = Object.fromEntries(
    Object.values(charts).map(c => [c.chart, { repo: c.repo, oci: "oci" in c ? c.oci : "" }]),
);

/** Why the old home is wrong, where we know. */
const OLD_HOMES: Record<string, string> = {
    [GRAFANA]: "the old grafana repository, which stopped publishing this chart (its loki 7.x is the Enterprise-only chart, "
        + "with version numbers that collide with the community chart)",
};

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const normalise = (url: string) => url.trim().replace(/\/+$/, "").toLowerCase();

export const chartVersionPinned: ResourceValidationPolicy = {
    name: "helm-chart-version-pinned",
    description: "Every Helm release pins an exact chart version (x.y.z), so a preview shows what an update installs.",
    remediationSteps: 'Set `version` to an exact version such as "18.11.0"; Helm resolves a range or an empty version to whatever is newest.',
    severity: "medium",
    validateResource: forReleases("all", (r, _args, report) => {
        if (!r.version) report(`${label(r)}: version is not set, so Helm installs the newest chart`);
        else if (!EXACT_VERSION.test(r.version)) report(`${label(r)}: version "${r.version}" is a range, not an exact x.y.z version`);
    }),
};

export const chartRepository: ResourceValidationPolicy = {
    name: "helm-chart-repository",
    description: "Each chart comes from its current repository: Loki, Grafana and Tempo from grafana-community, Alloy from grafana, "
        + "kube-prometheus-stack and prometheus-operator-crds from prometheus-community.",
    remediationSteps: "Set repositoryOpts.repo to the repository named in the message (or use the chart's OCI reference there).",
    severity: "high",
    validateResource: forReleases(Object.keys(chartHomes), (r, _args, report) => {
        const home = chartHomes[r.chart];
        const want = `repositoryOpts.repo should be ${home.repo}`;
        if (r.chartRef.startsWith("oci://")) {
            const registry = normalise(r.chartRef.slice(0, r.chartRef.lastIndexOf("/")));
            if (!home.oci || registry !== normalise(home.oci)) report(`${label(r)}: chart ${r.chartRef} is not from ${home.oci || home.repo}`);
        } else if (r.chartRef.includes("/")) {
            report(`${label(r)}: chart "${r.chartRef}" names a local repository alias, which can point anywhere; ${want}`);
        } else if (!r.repo) {
            report(`${label(r)}: repositoryOpts.repo is not set; ${want}`);
        } else if (normalise(r.repo) !== normalise(home.repo)) {
            const why = OLD_HOMES[normalise(r.repo)];
            report(`${label(r)}: repositoryOpts.repo is ${r.repo}${why ? `, ${why}` : ""}; ${want}`);
        }
    }),
};

export const releaseNameFixed: ResourceValidationPolicy = {
    name: "helm-release-name-fixed",
    description: "Every Helm release has a fixed name, so service DNS names and the stack outputs stay stable, and is replaced "
        + "delete-first, so the replacement does not collide with the old release name.",
    remediationSteps: "Set `name` on the helm.v3.Release and the resource option deleteBeforeReplace: true.",
    severity: "medium",
    validateResource: forReleases("all", (r, args, report) => {
        if (!args.props.name) {
            report(`${label(r)}: name is not set, so Pulumi names the release "${args.name}-<random hex>" and service names change`);
        } else if (args.opts.deleteBeforeReplace !== true) {
            report(`${label(r)}: the fixed name needs the resource option deleteBeforeReplace: true; without it a replacement `
                + "installs a second release of the same name, which Helm refuses");
        }
    }),
};
