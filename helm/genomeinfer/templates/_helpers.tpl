{{/* Chart name, overridable with nameOverride. */}}
{{- define "genomeinfer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name used for resources: fullnameOverride, else the release name when it already
contains the chart name, else <release>-<chart>. Truncated to 63 characters (DNS label).
*/}}
{{- define "genomeinfer.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart label value: name-version */}}
{{- define "genomeinfer.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "genomeinfer.labels" -}}
helm.sh/chart: {{ include "genomeinfer.chart" . }}
{{ include "genomeinfer.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: genomeinfer
{{- end }}

{{/* Labels that select this release's pods (add app.kubernetes.io/component to tell API from bulk). */}}
{{- define "genomeinfer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "genomeinfer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The API's pod selector. */}}
{{- define "genomeinfer.apiSelectorLabels" -}}
{{ include "genomeinfer.selectorLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{/* ServiceAccount name. */}}
{{- define "genomeinfer.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "genomeinfer.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* image:tag; the tag defaults to appVersion and gets gpu.imageTagSuffix when gpu.enabled. */}}
{{- define "genomeinfer.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.gpu.enabled }}{{ $tag = printf "%s%s" $tag .Values.gpu.imageTagSuffix }}{{ end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/* The bulk Job's name: one per bulk.runId (a Job's pod template cannot be changed in place). */}}
{{- define "genomeinfer.bulkJobName" -}}
{{- printf "%s-bulk-%s" (include "genomeinfer.fullname" . | trunc 50 | trimSuffix "-") (toString .Values.bulk.runId) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The bulk output claim: bulk.output.existingClaim, else the one this chart creates. */}}
{{- define "genomeinfer.bulkClaimName" -}}
{{- default (printf "%s-bulk-output" (include "genomeinfer.fullname" .)) .Values.bulk.output.existingClaim }}
{{- end }}

{{/*
A command-line option as YAML list items, left out when the value is null or "".
Whole numbers are printed as integers (YAML numbers reach templates as float64, which
would otherwise print as 2.147483648e+09). Usage: include "genomeinfer.flag" (list "--workers" .Values.config.workers)
*/}}
{{- define "genomeinfer.flag" -}}
{{- $name := index . 0 }}
{{- $value := index . 1 }}
{{- if not (or (kindIs "invalid" $value) (eq (toString $value) "")) }}
- {{ $name | quote }}
{{- if and (kindIs "float64" $value) (eq (float64 (int64 $value)) $value) }}
- {{ int64 $value | quote }}
{{- else }}
- {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Scheduling for every pod: nodeSelector/tolerations/runtimeClass, plus the gpu.* ones when gpu.enabled. */}}
{{- define "genomeinfer.scheduling" -}}
{{- $nodeSelector := deepCopy (.Values.nodeSelector | default dict) }}
{{- $tolerations := .Values.tolerations | default list }}
{{- if .Values.gpu.enabled }}
{{- $nodeSelector = merge $nodeSelector (.Values.gpu.nodeSelector | default dict) }}
{{- $tolerations = concat $tolerations (.Values.gpu.tolerations | default list) }}
{{- end }}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if and .Values.gpu.enabled .Values.gpu.runtimeClassName }}
runtimeClassName: {{ .Values.gpu.runtimeClassName }}
{{- end }}
{{- end }}

{{/* Container resources with the GPU limit added when gpu.enabled. Argument: (list $ .resources) */}}
{{- define "genomeinfer.resources" -}}
{{- $root := index . 0 }}
{{- $resources := deepCopy (index . 1 | default dict) }}
{{- if $root.Values.gpu.enabled }}
{{- $limits := deepCopy (get $resources "limits" | default dict) }}
{{- $_ := set $limits $root.Values.gpu.resourceName (int64 $root.Values.gpu.count) }}
{{- $_ := set $resources "limits" $limits }}
{{- end }}
{{- toYaml $resources }}
{{- end }}

{{/* PromQL label matchers for the API's series: the scrape job (the Service's name) and namespace. */}}
{{- define "genomeinfer.promSelector" -}}
job="{{ default (include "genomeinfer.fullname" .) .Values.prometheusRule.jobLabel }}",namespace="{{ .Release.Namespace }}"
{{- end }}
