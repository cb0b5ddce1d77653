-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);
