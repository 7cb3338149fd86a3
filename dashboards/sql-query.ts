/**
 * A query for Grafana's PostgreSQL datasource. The foundation SDK ships no SQL query builder, so
 * this one implements its Builder/Dataquery contract with the fields the datasource reads.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

export interface SqlDataquery extends cog.Dataquery {
  refId: string;
  datasource: DataSourceRef;
  rawSql: string;
  format: 'time_series' | 'table';
  rawQuery: true;
  editorMode: 'code';
}

export class SqlQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: Omit<SqlDataquery, '_implementsDataqueryVariant'>;

  constructor(datasource: DataSourceRef, rawSql: string, format: SqlDataquery['format']) {
    this.internal = { refId: 'A', datasource, rawSql, format, rawQuery: true, editorMode: 'code' };
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  build(): SqlDataquery {
    return { ...this.internal, _implementsDataqueryVariant() {} };
  }
}
